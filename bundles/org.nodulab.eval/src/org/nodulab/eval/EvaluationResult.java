package org.nodulab.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Named metrics (e.g. {@code cpm}, {@code sensitivity@1}) and the files an evaluator wrote. */
public record EvaluationResult(String evaluator, Map<String, Double> metrics, List<Path> files) {

	public EvaluationResult {
		metrics = Map.copyOf(metrics);
		files = List.copyOf(files);
	}
}
