package org.nodulab.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * What an evaluator scores: the reference annotations, the findings that count neither as hit nor as
 * false positive, the scans evaluated, and the predictions.
 *
 * @param outputDirectory where evaluators write their files, or {@code null} for metrics only
 * @param name name used in output file names (e.g. {@code froc_<name>.txt})
 */
public record EvaluationInput(List<Annotation> annotations, List<Annotation> excluded, List<String> seriesuids,
		List<Prediction> predictions, Path outputDirectory, String name) {

	public EvaluationInput {
		annotations = List.copyOf(annotations);
		excluded = List.copyOf(excluded);
		seriesuids = List.copyOf(seriesuids);
		predictions = List.copyOf(predictions);
	}
}
