package org.nodulab.eval.supplier.luna16;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.nodulab.eval.EvaluationInput;
import org.nodulab.eval.EvaluationResult;
import org.nodulab.eval.Evaluator;
import org.nodulab.eval.froc.FrocReport;
import org.nodulab.eval.froc.FrocResult;
import org.nodulab.eval.froc.Luna16Evaluation;

/** The LUNA16 FROC/CPM evaluation as an evaluator contribution. */
public class FrocEvaluator implements Evaluator<FrocSettings> {

	@Override
	public EvaluationResult evaluate(EvaluationInput input, FrocSettings s) throws IOException {
		FrocResult result = Luna16Evaluation.evaluate(input.seriesuids(), input.annotations(), input.excluded(),
				input.predictions(), new Luna16Evaluation.Options(input.name(), s.maxMarksPerScan, s.bootstrap, s.seed,
						null, s.confidence));
		List<Path> files = input.outputDirectory() == null ? List.of()
				: FrocReport.write(result, input.outputDirectory(), s.plot);
		return new EvaluationResult("froc", result.metrics(), files);
	}
}
