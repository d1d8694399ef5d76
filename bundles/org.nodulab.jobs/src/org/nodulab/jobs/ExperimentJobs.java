package org.nodulab.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.eval.EnsembleCombiner;
import org.nodulab.eval.EnsembleCombinerRegistry;
import org.nodulab.luna16.Prediction;
import org.nodulab.eval.froc.FrocReport;
import org.nodulab.eval.froc.FrocResult;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.eval.froc.Luna16Evaluation;
import org.nodulab.eval.ensemble.Ensembles;
import org.nodulab.train.CrossValidation;
import org.nodulab.train.ExperimentFiles;
import org.nodulab.train.ExperimentRunner;
import org.nodulab.train.RunDirectory;
import org.nodulab.train.RunPredictor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The executor of Nodulab's job kinds: each calls the same engine as the command of that name
 * ({@code train}, {@code resume}, {@code cv}, {@code predict}, {@code eval}, {@code ensemble}).
 * Hard mining and an experiment's ensemble of architectures are parts of a training job.
 */
public final class ExperimentJobs implements JobExecutor {

	private final Function<String, ExperimentRunner.Tools> tools;
	private final EnsembleCombinerRegistry combiners;

	/**
	 * @param tools the run services with the compute backend of this id (null: the default backend)
	 */
	public ExperimentJobs(Function<String, ExperimentRunner.Tools> tools, EnsembleCombinerRegistry combiners) {
		this.tools = tools;
		this.combiners = combiners;
	}

	@Override
	public Outcome execute(JobSpec spec, Context context) throws Exception {
		List<String> commandLine = List.of("job", context.jobId(), spec.kind().name().toLowerCase(Locale.ROOT), spec.input());
		String device = context.device() == null ? null : context.device().id();
		Path input = Path.of(spec.input());
		return switch (spec.kind()) {
		case TRAIN -> {
			Experiment e = load(spec, input);
			ExperimentRunner.Tools t = tools.apply(e.training.backend);
			ExperimentRunner runner = new ExperimentRunner(t, context.progress()).onDevice(device);
			RunDirectory run = runner.create(e);
			context.runStarted(run.dir());
			ExperimentRunner.RunResult r = runner.execute(run, e, commandLine, true);
			yield outcome(r);
		}
		case RESUME -> {
			if (CrossValidation.isCrossValidation(input)) {
				ExperimentRunner.Tools t = tools.apply(null);
				context.runStarted(input);
				CrossValidation.Result r = CrossValidation.continueIn(new ExperimentRunner(t, context.progress()).onDevice(device), t,
						input, commandLine);
				yield cvOutcome(r);
			}
			RunDirectory run = RunDirectory.open(input);
			Experiment e = tools.apply(null).validator().load(run.resolve(RunDirectory.EXPERIMENT));
			ExperimentRunner.Tools t = tools.apply(e.training.backend);
			context.runStarted(input);
			yield outcome(new ExperimentRunner(t, context.progress()).onDevice(device).resume(input, commandLine));
		}
		case CROSS_VALIDATION -> {
			Experiment e = load(spec, input);
			ExperimentRunner.Tools t = tools.apply(e.training.backend);
			CrossValidation.Result r = CrossValidation.start(new ExperimentRunner(t, context.progress()).onDevice(device), t, e,
					Integer.parseInt(spec.option("folds", "0")), commandLine, context::runStarted);
			yield cvOutcome(r);
		}
		case PREDICT -> {
			Path candidates = Path.of(required(spec, "candidates"));
			Path out = Path.of(required(spec, "out"));
			ExperimentRunner.Tools t = tools.apply(RunPredictor.backendOf(input));
			if (device != null) {
				t.backend().bind(device);
			}
			String tta = spec.option("tta", null);
			RunPredictor.Result r = RunPredictor.predict(t, input, candidates, tta == null ? null : Boolean.valueOf(tta),
					context.progress());
			RunPredictor.write(r, out);
			yield new Outcome(false, r.mean().size() + " candidates scored into " + out);
		}
		case EVALUATE -> {
			Path out = Path.of(required(spec, "out"));
			String name = spec.option("name", stem(input));
			Luna16Evaluation.Options options = new Luna16Evaluation.Options(name, 100,
					Integer.parseInt(spec.option("bootstrap", "1000")), Long.parseLong(spec.option("seed", "12345")), null, 0.95);
			context.progress().begin("evaluating " + input.getFileName(), 1);
			FrocResult result = Luna16Evaluation.evaluate(Path.of(required(spec, "annotations")), Path.of(required(spec, "excluded")),
					Path.of(required(spec, "seriesuids")), input, options);
			FrocReport.write(result, out, true);
			context.progress().end(result.summary());
			yield new Outcome(false, result.summary());
		}
		case ENSEMBLE -> {
			Path out = Path.of(required(spec, "out"));
			if (Files.exists(out)) {
				throw new java.nio.file.FileAlreadyExistsException(out.toString(), null, "results are never overwritten");
			}
			List<Ensembles.Member> members = new ArrayList<>();
			for (String f : spec.input().split(",")) {
				members.add(new Ensembles.Member(f.strip(), Luna16Csv.readPredictions(Path.of(f.strip()), true)));
			}
			String id = spec.option("combiner", "mean");
			Ensembles.Aligned aligned = Ensembles.align(members);
			@SuppressWarnings("unchecked")
			EnsembleCombiner<Object> combiner = combiners.createInstance(id);
			Object settings = combiners.defaultSettings(combiners.require(id)).orElse(null);
			List<Prediction> combined = Ensembles.withScores(aligned.candidates(), combiner.combine(aligned.scores(), settings));
			Luna16Csv.writeSubmission(out, combined);
			yield new Outcome(false, members.size() + " prediction files combined (" + id + ") into " + out);
		}
		};
	}

	private Experiment load(JobSpec spec, Path file) throws Exception {
		JsonNodeFactory json = JsonNodeFactory.instance;
		return ExperimentFiles.load(tools.apply(null).validator(), file, root -> {
			if (spec.options().containsKey("seed")) {
				root.set("seed", json.numberNode(Long.parseLong(spec.options().get("seed"))));
			}
			if (spec.options().containsKey("epochs")) {
				ExperimentFiles.setTraining(root, "epochs", json.numberNode(Integer.parseInt(spec.options().get("epochs"))));
			}
		});
	}

	private static Outcome outcome(ExperimentRunner.RunResult r) {
		if (r.stopped()) {
			return new Outcome(true, "stopped after a checkpoint; resume continues " + r.run().dir());
		}
		StringBuilder b = new StringBuilder();
		for (ExperimentRunner.ModelResult m : r.models()) {
			b.append(String.format(Locale.ROOT, "%s best epoch %d test CPM %.4f; ", m.model(), m.bestEpoch(), m.testCpm()));
		}
		if (!Double.isNaN(r.ensembleCpm())) {
			b.append(String.format(Locale.ROOT, "ensemble CPM %.4f; ", r.ensembleCpm()));
		}
		b.append(r.run().dir());
		return new Outcome(false, b.toString());
	}

	private static Outcome cvOutcome(CrossValidation.Result r) {
		if (r.stopped()) {
			return new Outcome(true, "stopped after a checkpoint; resume continues " + r.dir());
		}
		return new Outcome(false, "merged CPM " + r.mergedCpm() + "; " + r.dir());
	}

	private static String required(JobSpec spec, String key) {
		String v = spec.options().get(key);
		if (v == null) {
			throw new IllegalArgumentException(spec.kind().name().toLowerCase(Locale.ROOT) + " job needs the option '" + key + "'");
		}
		return v;
	}

	private static String stem(Path file) {
		String n = file.getFileName().toString();
		int dot = n.lastIndexOf('.');
		return dot > 0 ? n.substring(0, dot) : n;
	}

}
