package org.nodulab.cli.internal;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.dataset.ScanVolumes;
import org.nodulab.luna16.Prediction;
import org.nodulab.eval.froc.Luna16Evaluation;
import org.nodulab.synth.MeanHuBaseline;
import org.nodulab.synth.SynthDataset;
import org.nodulab.synth.SynthSettings;
import org.nodulab.train.ExperimentRunner;
import org.nodulab.train.TrainingData;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeReaderRegistry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab demo}: the whole pipeline on the synthetic benchmark. */
@Command(name = "demo", description = {
		"The whole pipeline on the synthetic benchmark, in a few CPU-minutes: generates the benchmark if it is absent, trains the reference DenseNet and a VGG with x108 augmentation, predicts the test scans' stage-2 candidates with test-time augmentation, averages the two models, evaluates the FROC and writes the run's report. Prints the CPM of each model, of the ensemble and of the one-feature baseline (mean HU in a 5 mm sphere) on the same candidates.",
		"--print shows the demo's experiment file; any run of it is an ordinary run ('nodulab runs', 'nodulab resume')." })
public final class DemoCommand implements Callable<Integer>, DeviceWork {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Option(names = "--data", paramLabel = "DIR", description = "The synthetic benchmark (generated there if absent; default: ${DEFAULT-VALUE}).", defaultValue = "data/synthetic")
	Path data;

	@Option(names = "--runs", paramLabel = "DIR", description = "Runs folder (default: ${DEFAULT-VALUE}).", defaultValue = "runs")
	Path runs;

	@Option(names = "--epochs", paramLabel = "N", description = "Epochs per model (default: the demo experiment's).")
	Integer epochs;

	@Option(names = "--backend", paramLabel = "ID", description = "Compute backend (default: the experiment's training.backend, libtorch; dl4j is the other).")
	String backend;

	@Option(names = "--print", description = "Print the demo experiment and exit.")
	boolean print;

	public DemoCommand(Services services) {
		this.services = services;
	}

	static String experimentText() throws java.io.IOException {
		try (InputStream in = DemoCommand.class.getResourceAsStream("demo/demo.yaml")) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		if (print) {
			out.print(experimentText());
			return 0;
		}
		long t0 = System.nanoTime();
		if (!Files.exists(data.resolve(Luna16Dataset.ANNOTATIONS))) {
			out.println("nodulab demo: generating the synthetic benchmark in " + data.toAbsolutePath());
			SynthDataset.Summary s = SynthDataset.generate(services.get(org.nodulab.volume.VolumeWriterRegistry.class), new SynthSettings(), data, false, line -> {
				out.println(line);
				out.flush();
			});
			out.println(s);
		} else {
			out.println("nodulab demo: synthetic benchmark " + data.toAbsolutePath());
		}
		String yaml = experimentText().replace("path: data/synthetic", "path: " + data.toAbsolutePath())
				.replace("runs: runs", "runs: " + runs.toAbsolutePath());
		ExperimentRunner.Tools tools = RunTools.of(services);
		Experiment e = RunTools.validate(tools.validator(), tools.validator().codec().parse("demo.yaml", yaml),
				Path.of("").toAbsolutePath(), root -> {
					if (epochs != null) {
						RunTools.setTraining(root, "epochs", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(epochs));
					}
					if (backend != null) {
						RunTools.setTraining(root, "backend", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(backend));
					}
				});
		tools = RunTools.training(services, e.training.backend);
		out.println("nodulab demo: compute backend " + tools.backend().id() + " (" + tools.backend().name() + "; --backend dl4j trains on Deeplearning4j)");
		ExperimentRunner.RunResult r = services.runner(tools, out).train(e, RunTools.commandLine(spec));
		if (r.stopped()) {
			return TrainCommand.summarize(out, r);
		}
		double[] baseline = baseline(e, tools.readers());
		double minutes = (System.nanoTime() - t0) / 60e9;
		out.println();
		out.printf(Locale.ROOT, "nodulab demo: test scans %s, stage-2 candidates, %.1f minutes in all%n",
				e.dataset.split.test, minutes);
		for (ExperimentRunner.ModelResult m : r.models()) {
			out.printf(Locale.ROOT, "  %-26s CPM %.4f  (best epoch %d, validation CPM %s)%n", m.model(), m.testCpm(), m.bestEpoch(),
					TrainCommand.fmt(m.validationCpm()));
		}
		out.printf(Locale.ROOT, "  %-26s CPM %.4f%n", "ensemble (mean)", r.ensembleCpm());
		out.printf(Locale.ROOT, "  %-26s CPM %.4f%n", "baseline (mean HU, 5 mm)", baseline[0]);
		out.printf(Locale.ROOT, "  %-26s CPM %.4f  (a perfect classifier of these candidates: %d of %d test nodules have one)%n",
				"ceiling", baseline[1], (int) baseline[2], (int) baseline[3]);
		out.println("  report: " + r.run().resolve("report.html"));
		return 0;
	}

	/**
	 * The one-feature baseline on the demo's test candidates, and the ceiling: the CPM of a perfect
	 * classifier of the same candidates (nodules without a candidate stay missed), with the counts.
	 */
	static double[] baseline(Experiment e, VolumeReaderRegistry readers) throws Exception {
		TrainingData d = TrainingData.open(e, readers);
		ScanVolumes volumes = d.volumes();
		CandidateTable table = d.test().table();
		List<Prediction> predictions = new ArrayList<>();
		String current = null;
		Volume volume = null;
		for (int i = 0; i < d.test().size(); i++) {
			String uid = d.test().uid(i);
			if (!uid.equals(current)) {
				volume = volumes.volume(uid);
				current = uid;
			}
			predictions.add(table.prediction(d.test().row(i), MeanHuBaseline.probability(MeanHuBaseline.meanHu(volume, d.test().position(i)))));
		}
		double cpm = Luna16Evaluation.evaluate(d.test().scans(), d.dataset().annotations(), d.dataset().excluded(), predictions,
				Luna16Evaluation.Options.of("baseline")).cpm();
		List<Prediction> oracle = new ArrayList<>();
		for (int i = 0; i < d.test().size(); i++) {
			oracle.add(table.prediction(d.test().row(i), d.test().label(i) == 1 ? 1.0 : 0.0));
		}
		org.nodulab.eval.froc.FrocResult perfect = Luna16Evaluation.evaluate(d.test().scans(), d.dataset().annotations(),
				d.dataset().excluded(), oracle, Luna16Evaluation.Options.of("ceiling"));
		return new double[] { cpm, perfect.cpm(), perfect.analysis().truePositives(), perfect.analysis().totalNodules() };
	}
}
