package org.nodulab.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.nodulab.core.experiment.ContributionRef;
import org.nodulab.core.experiment.Experiment;
import org.nodulab.eval.EvaluationInput;
import org.nodulab.eval.EvaluationResult;
import org.nodulab.eval.Evaluator;
import org.nodulab.eval.EvaluatorRegistry;
import org.nodulab.eval.froc.FrocReport;
import org.nodulab.eval.froc.FrocResult;
import org.nodulab.eval.froc.Luna16Evaluation;
import org.nodulab.luna16.Prediction;

/**
 * The test-scan results of a run, from predictions in memory: the official FROC of each model and of the
 * ensemble ({@code froc/<name>-test/}, with the bootstrap the experiment asks for), and the experiment's
 * contributed evaluators ({@code evaluation/<evaluator>/<name>/}). Outputs that exist (a resumed run)
 * are kept, never written again.
 */
final class TestResults {

	private final RunDirectory run;
	private final Experiment e;
	private final TrainingData data;

	TestResults(RunDirectory run, Experiment e, TrainingData data) {
		this.run = run;
		this.e = e;
		this.data = data;
	}

	/** The FROC of {@code predictions} on the test scans, its report written once under {@code froc/<name>-test/}. */
	FrocResult froc(String name, List<Prediction> predictions) throws IOException {
		FrocResult froc = Luna16Evaluation.evaluate(data.test().scans(), data.dataset().annotations(), data.dataset().excluded(),
				predictions, options(e, name));
		Path dir = run.resolve("froc/" + name + "-test");
		if (!Files.exists(dir.resolve("CADAnalysis.txt"))) {
			FrocReport.write(froc, dir, true);
		}
		return froc;
	}

	/** The official evaluation's options for a named result of an experiment: its bootstrap, seeded by the experiment. */
	static Luna16Evaluation.Options options(Experiment e, String name) {
		Luna16Evaluation.Options options = Luna16Evaluation.Options.of(name);
		return e.evaluation.bootstrap > 0 ? options.withBootstrap(e.evaluation.bootstrap, e.seed) : options;
	}

	/** Runs the experiment's evaluators on each named set of test predictions (models, then the ensemble). */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	void evaluators(EvaluatorRegistry registry, Map<String, List<Prediction>> predictions, Consumer<String> say)
			throws Exception {
		if (e.evaluation.evaluators.isEmpty() || data.test().scans().isEmpty()) {
			return;
		}
		for (ContributionRef ref : e.evaluation.evaluators) {
			Evaluator evaluator = registry.createInstance(ref.id);
			Object settings = ref.resolvedSettings() != null ? ref.resolvedSettings()
					: registry.defaultSettings(registry.require(ref.id)).orElse(null);
			for (Map.Entry<String, List<Prediction>> in : predictions.entrySet()) {
				Path dir = run.resolve("evaluation/" + ref.id + "/" + in.getKey());
				if (Files.exists(dir)) {
					continue;
				}
				Files.createDirectories(dir);
				EvaluationResult r = evaluator.evaluate(new EvaluationInput(data.dataset().annotations(), data.dataset().excluded(),
						data.test().scans(), in.getValue(), dir, in.getKey()), settings);
				say.accept("evaluator " + ref.id + " on " + in.getKey() + ": " + new java.util.TreeMap<>(r.metrics())); // sorted: the same line every time
			}
		}
	}
}
