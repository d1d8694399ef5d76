package org.nodulab.screen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.detect.Detection;
import org.nodulab.detect.DetectionResult;
import org.nodulab.detect.DetectorRegistry;
import org.nodulab.eval.froc.FrocEntries;
import org.nodulab.eval.froc.FrocResult;
import org.nodulab.eval.froc.Luna16Evaluation;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.luna16.Prediction;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.preprocess.PatchSpec;
import org.nodulab.preprocess.Preprocessing;
import org.nodulab.train.ExperimentRunner;
import org.nodulab.train.ModelRef;
import org.nodulab.train.Progress;
import org.nodulab.train.RunDirectory;
import org.nodulab.train.RunPredictor;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Screening one scan: detect candidates, score them with trained models (with TTA where asked), keep those
 * above an operating point named by its false positives per scan on the models' own test data.
 * <p>
 * Every check that can refuse the scan or a model runs before any work: each model's run has finished and
 * its best checkpoint, test predictions and dataset annotations are there (for the operating point); its
 * window is installed; its inputs can be cut from this scan (each patch's extent fits the scan's extent along
 * every axis). Patient name, ID and birth date are never read: nothing here sees more than the voxels, the
 * geometry and the series UID.
 */
public final class Screening {

	/** The compute tools for a backend, as the command line or the workbench makes them. */
	@FunctionalInterface
	public interface ToolsFactory {
		ExperimentRunner.Tools forBackend(String backend) throws Exception;
	}

	/**
	 * @param detector a detector id of {@code org.nodulab.detect.detectors}
	 * @param detectorOptions its settings as {@code key=value}
	 * @param tta test-time augmentation; null: as each run's experiment says
	 * @param falsePositivesPerScan the operating point: findings are the candidates at or above the probability at
	 *            which the models had this many false positives per scan on their test scans
	 * @param scoringBackend the compute backend that scores the candidates (for example {@code onnxruntime}); null:
	 *            each run's own
	 * @param precision what the networks compute in: {@link org.nodulab.core.experiment.Precision#FLOAT32} (the runs' own scores, and
	 *            the ones the operating point was chosen on) or a narrower type the backend offers
	 */
	public record Options(String detector, Map<String, String> detectorOptions, Boolean tta, double falsePositivesPerScan,
			String scoringBackend, org.nodulab.core.experiment.Precision precision) {

		/** Scoring on each run's own backend. */
		public Options(String detector, Map<String, String> detectorOptions, Boolean tta, double falsePositivesPerScan) {
			this(detector, detectorOptions, tta, falsePositivesPerScan, null);
		}

		/** Scoring in single precision. */
		public Options(String detector, Map<String, String> detectorOptions, Boolean tta, double falsePositivesPerScan, String scoringBackend) {
			this(detector, detectorOptions, tta, falsePositivesPerScan, scoringBackend, org.nodulab.core.experiment.Precision.FLOAT32);
		}

		public Options {
			java.util.Objects.requireNonNull(precision, "precision");
			if (!(falsePositivesPerScan > 0 && Double.isFinite(falsePositivesPerScan))) {
				throw new IllegalArgumentException("the operating point must be a positive number of false positives per scan, got "
						+ falsePositivesPerScan);
			}
			detectorOptions = Map.copyOf(detectorOptions);
		}
	}

	/** A model to screen with, checked: its run, experiment, best epoch, test predictions and test CPM. */
	public record Model(Path run, String name, String backend, String experimentName, String experimentSha256, int bestEpoch,
			double testCpm, Path testPredictions, Preprocessing preprocessing, List<PatchSpec> patches) {
	}

	/**
	 * One finding.
	 *
	 * @param voxel continuous index (x, y, z) in the screened scan
	 * @param slice 1-based slice number along the scan's z axis (the series' order)
	 */
	public record Finding(int rank, double x, double y, double z, double[] voxel, int slice, double diameter, double probability,
			double detectorScore) {
	}

	/** The operating point: the probability threshold and what it gave on the test scans. */
	public record OperatingPoint(double falsePositivesPerScan, double threshold, double testFalsePositivesPerScan,
			double testSensitivity, int testScans, int testNodules, FrocResult froc) {
	}

	/** Everything the report shows. */
	public record Result(String seriesUid, Volume volume, List<Model> models, OperatingPoint operatingPoint, DetectionResult detection,
			List<Finding> candidates, List<Finding> findings, boolean tta, String scoringBackend, org.nodulab.core.experiment.Precision precision,
			Map<String, Double> seconds) {
	}

	private Screening() {
	}

	/**
	 * Resolves and checks the models against a scan's geometry, before any work.
	 *
	 * @param refs {@code <run>} (every model of the run) or {@code <run>/<model>}
	 * @throws IllegalArgumentException naming the model and what does not fit
	 */
	public static List<Model> models(List<ModelRef> refs, VolumeGeometry scan, ToolsFactory tools) throws Exception {
		if (refs.isEmpty()) {
			throw new IllegalArgumentException("name at least one model (--model <run>[/<model>])");
		}
		List<Model> out = new ArrayList<>();
		for (ModelRef ref : refs) {
			if (ref.epoch() != null) {
				throw new IllegalArgumentException(ref.run() + "/" + ref.model() + "@" + ref.epoch()
						+ ": screening uses each model at its best epoch, whose test predictions name the operating point; leave out @"
						+ ref.epoch());
			}
			RunDirectory run = RunDirectory.open(ref.run());
			if (!run.finished()) {
				throw new IllegalArgumentException(ref.run() + " has not finished; screen with a finished run (nodulab resume " + ref.run() + ")");
			}
			String backend = RunPredictor.backendOf(ref.run());
			ExperimentRunner.Tools t = tools.forBackend(backend);
			Experiment e = t.validator().load(run.resolve(RunDirectory.EXPERIMENT));
			JsonNode provenance = run.readJson(RunDirectory.PROVENANCE).orElseThrow();
			float mean = (float) provenance.path("trainingMean").path("mean").asDouble(0);
			Preprocessing prep = Preprocessing.of(e.preprocessing, t.windows(), mean);
			List<String> names = RunPredictor.modelNames(t, ref.run());
			if (ref.model() != null && !names.contains(ref.model())) {
				throw new IllegalArgumentException(ref.run() + " has no model '" + ref.model() + "'; its models: " + String.join(", ", names));
			}
			String sha = org.nodulab.train.Checkpoints.sha256(run.resolve(RunDirectory.EXPERIMENT));
			ExperimentRunner runner = new ExperimentRunner(t, Progress.NONE);
			for (int i = 0; i < names.size(); i++) {
				String name = names.get(i);
				if (ref.model() != null && !ref.model().equals(name)) {
					continue;
				}
				JsonNode m;
				try {
					m = RunPredictor.summaryOf(run, name);
				} catch (IOException x) {
					throw new IllegalArgumentException(x.getMessage(), x);
				}
				Path test = run.resolve("predictions/" + name + "-test.csv");
				if (!Files.exists(test)) {
					throw new IllegalArgumentException(ref.run() + "/" + name + ": no test predictions (" + test
							+ "): the operating point is named by the model's false positives per scan on its test scans");
				}
				NetworkGraph graph = runner.graph(e, i);
				List<PatchSpec> patches = new ArrayList<>();
				for (PatchSpec[] input : prep.specs(scan, ExperimentRunner.layouts(e, i, graph))) {
					patches.addAll(List.of(input));
				}
				checkFits(ref.run() + "/" + name, patches, scan);
				out.add(new Model(ref.run(), name, backend, e.name, sha, m.path("bestEpoch").asInt(), m.path("testCpm").asDouble(Double.NaN),
						test, prep, patches));
			}
		}
		return out;
	}

	/**
	 * Refuses a model whose input patches cover more than the scan along an axis (most of every patch would be
	 * padding): coverage is voxels times voxel size, for the patch and for the scan.
	 */
	static void checkFits(String model, List<PatchSpec> patches, VolumeGeometry scan) {
		String[] axes = { "x", "y", "z" };
		for (PatchSpec p : patches) {
			double[] need = { p.width() * p.spacingX(), p.height() * p.spacingY(), p.depth() * p.spacingZ() };
			for (int a = 0; a < 3; a++) {
				double extent = scan.size(a) * scan.spacing()[a];
				if (need[a] > extent + 1e-9) {
					throw new IllegalArgumentException(String.format(Locale.ROOT,
							"%s cannot be applied to this scan: its input covers %.1f mm along %s, the scan %.1f mm (%d %s of %.2f mm)", model,
							need[a], axes[a], extent, scan.size(a), a == 2 ? (scan.size(a) == 1 ? "slice" : "slices")
									: (scan.size(a) == 1 ? "voxel" : "voxels"),
							scan.spacing()[a]));
				}
			}
		}
	}

	/**
	 * The operating point of the models together: their mean on their test candidates (every model must have scored
	 * the same candidates), the FROC on the test scans of the first model's run, and the lowest probability at which
	 * the false positives per scan stay at or under {@code fps}.
	 */
	public static OperatingPoint operatingPoint(List<Model> models, double fps, ToolsFactory tools) throws Exception {
		Model first = models.get(0);
		RunDirectory run = RunDirectory.open(first.run());
		JsonNode provenance = run.readJson(RunDirectory.PROVENANCE).orElseThrow();
		List<String> testScans = new ArrayList<>();
		provenance.path("split").path("test").forEach(n -> testScans.add(n.asText()));
		if (testScans.isEmpty()) {
			throw new IllegalArgumentException(first.run() + " has no test scans: the operating point cannot be named");
		}
		Experiment e = tools.forBackend(first.backend()).validator().load(run.resolve(RunDirectory.EXPERIMENT));
		Luna16Dataset dataset;
		try {
			dataset = Luna16Dataset.open(Path.of(e.dataset.path));
		} catch (IOException x) {
			throw new IllegalArgumentException(first.run() + ": its dataset's annotations are needed for the operating point: " + x.getMessage());
		}
		List<Prediction> mean = null;
		Map<String, Integer> index = new HashMap<>();
		for (Model m : models) {
			List<Prediction> p = Luna16Csv.readPredictions(m.testPredictions(), true);
			if (mean == null) {
				mean = new ArrayList<>(p);
				for (int i = 0; i < p.size(); i++) {
					index.put(key(p.get(i)), i);
				}
				continue;
			}
			if (p.size() != mean.size()) {
				throw new IllegalArgumentException(m.run() + "/" + m.name() + " was tested on other candidates than " + first.run() + "/"
						+ first.name() + " (" + p.size() + " against " + mean.size() + "): screen with models that share a test set");
			}
			for (Prediction q : p) {
				Integer i = index.get(key(q));
				if (i == null) {
					throw new IllegalArgumentException(m.run() + "/" + m.name() + " was tested on other candidates than " + first.run() + "/"
							+ first.name() + " (" + q.seriesuid() + " at " + q.x() + ", " + q.y() + ", " + q.z()
							+ "): screen with models that share a test set");
				}
				Prediction a = mean.get(i);
				mean.set(i, new Prediction(a.seriesuid(), a.x(), a.y(), a.z(), a.probability() + q.probability(), a.label()));
			}
		}
		int n = models.size();
		List<Prediction> averaged = new ArrayList<>(mean.size());
		for (Prediction a : mean) {
			averaged.add(new Prediction(a.seriesuid(), a.x(), a.y(), a.z(), a.probability() / n, a.label()));
		}
		FrocResult froc = Luna16Evaluation.evaluate(testScans, dataset.annotations(), dataset.excluded(), averaged,
				Luna16Evaluation.Options.of(n == 1 ? first.name() : "mean of " + n + " models"));
		int nodules = (int) dataset.annotations().stream().filter(a -> testScans.contains(a.seriesuid())).count();
		double[] point = threshold(froc.analysis().entries(), testScans.size(), nodules, fps);
		return new OperatingPoint(fps, point[0], point[1], point[2], testScans.size(), nodules, froc);
	}

	/**
	 * The lowest probability at which the false positives per scan stay at or under {@code fps}, with the false
	 * positives per scan and the sensitivity there: the official FROC's entries (a hit nodule at its highest mark,
	 * every false-positive mark; missed nodules and marks on excluded findings left out) walked from the most
	 * confident down, ties together. Every threshold is considered, not only the corners the FROC curve keeps.
	 *
	 * @return threshold, false positives per scan, sensitivity; a threshold above 1 when even the most confident
	 *         mark is beyond the budget (no finding)
	 */
	static double[] threshold(FrocEntries entries, int scans, int nodules, double fps) {
		Integer[] order = new Integer[entries.size()];
		int n = 0;
		for (int i = 0; i < entries.size(); i++) {
			if (!entries.excluded(i)) {
				order[n++] = i;
			}
		}
		Integer[] sorted = java.util.Arrays.copyOf(order, n);
		java.util.Arrays.sort(sorted, (a, b) -> Double.compare(entries.probability(b), entries.probability(a)));
		double best = Math.nextUp(1.0);
		double bestFps = 0;
		double bestSensitivity = 0;
		long fp = 0;
		long tp = 0;
		for (int k = 0; k < n;) {
			double p = entries.probability(sorted[k]);
			int j = k;
			while (j < n && entries.probability(sorted[j]) == p) {
				if (entries.positive(sorted[j])) {
					tp++;
				} else {
					fp++;
				}
				j++;
			}
			if ((double) fp / scans > fps + 1e-12) {
				break;
			}
			best = p;
			bestFps = (double) fp / scans;
			bestSensitivity = nodules == 0 ? 0 : (double) tp / nodules;
			k = j;
		}
		return new double[] { best, bestFps, bestSensitivity };
	}

	private static String key(Prediction p) {
		return p.seriesuid() + "," + p.x() + "," + p.y() + "," + p.z();
	}

	/**
	 * Screens a scan: the models are checked first ({@link #models}), then candidates are detected and scored.
	 *
	 * @param say receives one line per step
	 */
	public static Result screen(Volume volume, String seriesUid, List<ModelRef> refs, Options o, DetectorRegistry detectors,
			ToolsFactory tools, Progress progress, Consumer<String> say) throws Exception {
		Map<String, Double> seconds = new LinkedHashMap<>();
		long t0 = System.nanoTime();
		List<Model> models = models(refs, volume.geometry(), tools);
		DetectorRegistry.Configured detector = detectors.configure(o.detector(), o.detectorOptions());
		OperatingPoint op = operatingPoint(models, o.falsePositivesPerScan(), tools);
		seconds.put("checks", (System.nanoTime() - t0) / 1e9);
		say.accept(String.format(Locale.ROOT, "operating point: probability %.4f, %.2f false positives per scan and sensitivity %.3f on %d test scans",
				op.threshold(), op.testFalsePositivesPerScan(), op.testSensitivity(), op.testScans()));

		long t1 = System.nanoTime();
		DetectionResult detection = detector.detect(volume);
		seconds.put("detection", (System.nanoTime() - t1) / 1e9);
		say.accept(String.format(Locale.ROOT, "%s: %d candidates (%.1f s)", detector.descriptor().id(), detection.detections().size(),
				seconds.get("detection")));

		long t2 = System.nanoTime();
		List<Detection> d = detection.detections();
		double[] mean = new double[d.size()];
		boolean tta = false;
		if (!d.isEmpty()) {
			CandidateTable.Builder b = CandidateTable.builder();
			for (Detection x : d) {
				b.add(seriesUid, x.x(), x.y(), x.z(), x.probability(), Prediction.UNKNOWN, false, 0);
			}
			CandidateTable table = b.build(Path.of(seriesUid + ".csv"));
			Map<Path, List<String>> byRun = new LinkedHashMap<>();
			for (Model m : models) {
				byRun.computeIfAbsent(m.run(), k -> new ArrayList<>()).add(m.name());
			}
			org.nodulab.nn.ComputeBackend compute = o.scoringBackend() == null ? null : tools.forBackend(o.scoringBackend()).backend();
			for (Map.Entry<Path, List<String>> r : byRun.entrySet()) {
				ExperimentRunner.Tools t = tools.forBackend(RunPredictor.backendOf(r.getKey()));
				Map<String, float[]> scores = RunPredictor.scoreVolume(t, r.getKey(), r.getValue(), seriesUid, volume, table, o.tta(), compute, o.precision(),
						progress);
				for (float[] s : scores.values()) {
					for (int i = 0; i < s.length; i++) {
						mean[i] += s[i];
					}
				}
				Experiment e = t.validator().load(r.getKey().resolve(RunDirectory.EXPERIMENT));
				tta |= o.tta() != null ? o.tta() : e.evaluation.testTimeAugmentation;
			}
			for (int i = 0; i < mean.length; i++) {
				mean[i] /= models.size();
			}
		}
		seconds.put("scoring", (System.nanoTime() - t2) / 1e9);
		VolumeGeometry g = volume.geometry();
		List<Finding> all = new ArrayList<>();
		Integer[] order = new Integer[d.size()];
		for (int i = 0; i < order.length; i++) {
			order[i] = i;
		}
		java.util.Arrays.sort(order, (a, b) -> {
			int c = Double.compare(mean[b], mean[a]);
			return c != 0 ? c : Integer.compare(a, b);
		});
		for (int rank = 0; rank < order.length; rank++) {
			Detection x = d.get(order[rank]);
			double[] voxel = g.worldToVoxel(x.position());
			int slice = (int) Math.max(1, Math.min(g.size(2), Math.round(voxel[2]) + 1));
			all.add(new Finding(rank + 1, x.x(), x.y(), x.z(), voxel, slice, x.diameter(), mean[order[rank]], x.score()));
		}
		List<Finding> findings = all.stream().filter(f -> f.probability() >= op.threshold()).toList();
		seconds.put("total", (System.nanoTime() - t0) / 1e9);
		return new Result(seriesUid, volume, models, op, detection, all, findings, tta,
				o.scoringBackend() != null ? o.scoringBackend() : String.join(", ", models.stream().map(Model::backend).distinct().toList()), o.precision(), seconds);
	}

}
