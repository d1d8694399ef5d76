package org.nodulab.eval;

import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Prediction;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.nodulab.core.io.AtomicFiles;

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

	/**
	 * Writes a result file into the output directory, atomically and never over an existing file.
	 *
	 * @return the file, or empty when the input has no output directory
	 */
	public Optional<Path> write(String fileName, CharSequence content) throws IOException {
		if (outputDirectory == null) {
			return Optional.empty();
		}
		Path file = outputDirectory.resolve(fileName);
		AtomicFiles.create(file, content);
		return Optional.of(file);
	}
}
