package org.nodulab.train;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.Precision;
import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.dataset.ScanVolumes;
import org.nodulab.luna16.Prediction;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.preprocess.Preprocessing;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Predicts a candidate file with the models of a finished run (each at its best epoch, checkpoints
 * verified), with the run's preprocessing and training mean; several models are averaged.
 */
public final class RunPredictor {

	/** Scores per model, and their mean when there are several. */
	public record Result(Map<String, List<Prediction>> models, List<Prediction> mean) {
	}

	private RunPredictor() {
	}

	/**
	 * @param candidates a candidate file (LUNA16 columns) on scans of the run's dataset
	 * @param tta average over the 4 rotations about z; null: as the run's experiment says
	 */
	/**
	 * The compute backend a run trained on ({@code training.backend} of its experiment; runs written before the key
	 * existed trained on dl4j, the only backend then).
	 */
	public static String backendOf(Path runDir) throws java.io.IOException {
		return RunDirectory.experimentTree(runDir).path("training").path("backend").asText("dl4j");
	}

	public static Result predict(ExperimentRunner.Tools tools, Path runDir, Path candidates, Boolean tta, Progress progress)
			throws Exception {
		return predict(tools, runDir, candidates, tta, null, Precision.FLOAT32, progress);
	}

	/**
	 * @param compute the backend that scores (for example {@code onnxruntime}); null: the one the run trained on, whose
	 *            {@code tools} load the checkpoints either way (the weights then move to {@code compute})
	 * @param precision what the networks compute in ({@link Precision#FLOAT32}: the run's own scores); a backend that
	 *            does not offer it is refused before anything is scored
	 */
	public static Result predict(ExperimentRunner.Tools tools, Path runDir, Path candidates, Boolean tta,
			org.nodulab.nn.ComputeBackend compute, Precision precision, Progress progress) throws Exception {
		Finished f = finished(tools, runDir);
		RunDirectory run = f.run();
		Experiment e = f.experiment();
		float mean = f.mean();
		Luna16Dataset dataset = Luna16Dataset.open(Path.of(e.dataset.path));
		CandidateTable table = dataset.candidates(candidates.toAbsolutePath().toString());
		List<String> scans = table.scans().stream().filter(u -> dataset.scan(u).isPresent()).toList();
		if (scans.size() < table.scans().size()) {
			throw new java.io.IOException(candidates + ": " + (table.scans().size() - scans.size()) + " scan(s) are not on disk in "
					+ dataset.root());
		}
		CandidateSet set = CandidateSet.of(dataset, table, scans);
		// each model visits the scans one after another, every view of a scan before the next scan: 128 MiB of volumes
		// on the heap at most (one scan at least), no mapping left open, so memory does not grow with the scans
		ScanVolumes volumes = ScanVolumes.oneAfterAnother(dataset, tools.readers(), 2L * 64 << 20);
		Map<String, float[]> scores = score(tools, run, e, mean, null, set, volumes, tta, compute, precision, progress);
		Map<String, List<Prediction>> out = new LinkedHashMap<>();
		List<double[]> all = new ArrayList<>();
		for (Map.Entry<String, float[]> m : scores.entrySet()) {
			double[] wide = new double[m.getValue().length];
			for (int k = 0; k < wide.length; k++) {
				wide[k] = m.getValue()[k];
			}
			all.add(wide);
			out.put(m.getKey(), set.predictions(m.getValue()));
		}
		List<Prediction> meanPredictions = all.size() > 1 ? set.predictions(tools.combiners().combine(ExperimentRunner.MEAN, all, java.util.Map.of())) : out.values().iterator().next();
		return new Result(out, meanPredictions);
	}

	/** A finished run opened for scoring: its folder, its experiment and its recorded training mean. */
	private record Finished(RunDirectory run, Experiment experiment, float mean) {
	}

	/** Opens a finished run whose backend is {@code tools}' and reads its experiment and training mean. */
	private static Finished finished(ExperimentRunner.Tools tools, Path runDir) throws Exception {
		RunDirectory run = RunDirectory.open(runDir);
		if (!run.finished()) {
			throw new IllegalStateException(runDir + " has not finished; resume it first (nodulab resume " + runDir + ")");
		}
		Experiment e = tools.validator().load(run.resolve(RunDirectory.EXPERIMENT));
		if (!e.training.backend.equals(tools.backend().id())) {
			throw new IllegalArgumentException(runDir + " was trained on backend '" + e.training.backend + "'; its models load there, not on '"
					+ tools.backend().id() + "'");
		}
		JsonNode provenance = run.readJson(RunDirectory.PROVENANCE).orElseThrow();
		return new Finished(run, e, (float) provenance.path("trainingMean").path("mean").asDouble(0));
	}

	/**
	 * A model's entry in a finished run's summary.json (its best epoch and CPMs).
	 *
	 * @throws java.io.IOException when the summary has no result for it
	 */
	public static JsonNode summaryOf(RunDirectory run, String model) throws java.io.IOException {
		JsonNode summary = run.readJson(RunDirectory.SUMMARY).orElseThrow(() -> new java.io.IOException(run.dir() + " has no " + RunDirectory.SUMMARY));
		for (JsonNode x : summary.path("models")) {
			if (x.path("model").asText().equals(model)) {
				return x;
			}
		}
		throw new java.io.IOException(run.dir() + ": no result for " + model + " in " + RunDirectory.SUMMARY);
	}

	/**
	 * Scores the candidates of one scan held in memory (a scan being screened, outside any dataset) with some models
	 * of a finished run, with the run's preprocessing and training mean.
	 *
	 * @param models model names of the run ({@code m0-densenet}); null or empty: all of them
	 * @param table the scan's candidates (seriesuid {@code uid})
	 * @return the scores per model, in the table's row order
	 */
	public static Map<String, float[]> scoreVolume(ExperimentRunner.Tools tools, Path runDir, List<String> models, String uid,
			org.nodulab.volume.Volume volume, CandidateTable table, Boolean tta, org.nodulab.nn.ComputeBackend compute, Precision precision,
			Progress progress) throws Exception {
		Finished f = finished(tools, runDir);
		RunDirectory run = f.run();
		Experiment e = f.experiment();
		float mean = f.mean();
		return score(tools, run, e, mean, models, CandidateSet.unlabelled(table), ScanVolumes.of(uid, volume), tta, compute, precision, progress);
	}

	/** The model names of a run's experiment, in order ({@code m0-densenet}, ...). */
	public static List<String> modelNames(ExperimentRunner.Tools tools, Path runDir) throws Exception {
		Experiment e = tools.validator().load(RunDirectory.open(runDir).resolve(RunDirectory.EXPERIMENT));
		List<String> names = new ArrayList<>();
		for (int i = 0; i < e.architectures.size(); i++) {
			names.add(ExperimentRunner.modelName(e, i));
		}
		return names;
	}

	/**
	 * Each model's (or each named model's) scores at its best epoch, checkpoint verified; on {@code compute} when it is
	 * another backend than the run's (the checkpoint's weights handed over by name).
	 */
	private static Map<String, float[]> score(ExperimentRunner.Tools tools, RunDirectory run, Experiment e, float mean,
			List<String> only, CandidateSet set, ScanVolumes volumes, Boolean tta, org.nodulab.nn.ComputeBackend compute,
			Precision precision, Progress progress) throws Exception {
		Path runDir = run.dir();
		Preprocessing prep = Preprocessing.of(e.preprocessing, tools.windows(), mean);
		boolean useTta = tta != null ? tta : e.evaluation.testTimeAugmentation;
		ExperimentRunner runner = new ExperimentRunner(tools, progress);
		Map<String, float[]> out = new LinkedHashMap<>();
		List<String> names = new ArrayList<>();
		for (int i = 0; i < e.architectures.size(); i++) {
			names.add(ExperimentRunner.modelName(e, i));
		}
		if (only != null) {
			for (String name : only) {
				if (!names.contains(name)) {
					throw new IllegalArgumentException(runDir + " has no model '" + name + "'; its models: " + String.join(", ", names));
				}
			}
		}
		for (int i = 0; i < e.architectures.size(); i++) {
			String model = names.get(i);
			if (only != null && !only.isEmpty() && !only.contains(model)) {
				continue;
			}
			JsonNode m = summaryOf(run, model);
			Checkpoints.Checkpoint c = run.checkpoints().atEpoch(model, m.path("bestEpoch").asInt())
					.orElseThrow(() -> new java.io.IOException(runDir + ": the best checkpoint of " + model + " is missing"));
			NetworkGraph graph = runner.graph(e, i);
			try (TrainableNetwork net = open(tools, compute, graph, e.forArchitecture(i).training, c, precision)) {
				BatchSource source = new BatchSource(set, volumes, prep, Augmenter.none(), e.seed, ExperimentRunner.layouts(e, i, graph));
				progress.begin(model + " predictions" + (useTta ? " (TTA x4)" : "") + (precision == Precision.FLOAT32 ? "" : " in " + precision), 1);
				out.put(model, Predictor.predict(net, source, e.forArchitecture(i).training.batchSize, useTta, e.sampling.workers, progress));
				progress.end("");
			}
		}
		return out;
	}

	/**
	 * A checkpoint loaded by the backend that wrote it ({@code tools}'), moved to {@code compute} when that is another
	 * backend (null or the same: as loaded).
	 */
	static TrainableNetwork open(ExperimentRunner.Tools tools, org.nodulab.nn.ComputeBackend compute, NetworkGraph graph,
			org.nodulab.core.experiment.TrainingSettings training, Checkpoints.Checkpoint c, Precision precision) throws Exception {
		TrainableNetwork trained;
		try (InputStream in = Checkpoints.openVerified(c)) {
			trained = tools.backend().load(graph, training, in);
		}
		if (compute == null || compute.id().equals(tools.backend().id())) {
			return inPrecision(trained, tools.backend(), precision);
		}
		TrainableNetwork moved;
		try (TrainableNetwork from = trained) {
			moved = compute.inference(graph, training, from.parameters());
		}
		return inPrecision(moved, compute, precision);
	}

	/** The network set to predict in {@code precision}, or closed and refused with the backend's name. */
	private static TrainableNetwork inPrecision(TrainableNetwork net, org.nodulab.nn.ComputeBackend backend, Precision precision)
			throws org.nodulab.nn.BackendException {
		if (precision == Precision.FLOAT32) {
			return net;
		}
		try {
			net.predictIn(precision);
			return net;
		} catch (org.nodulab.nn.BackendException e) {
			net.close();
			throw new org.nodulab.nn.BackendException("backend '" + backend.id() + "' cannot predict in " + precision + ": " + e.getMessage(), e);
		}
	}

	/**
	 * A model of a finished run loaded for export: the checkpoint (verified) on its own backend, its weights by name
	 * and what a user needs to prepare its inputs.
	 *
	 * @param ref {@code <run>/<model>@<epoch>}, {@code <run>/<model>} (its best epoch) or a run (its best model)
	 */
	public static Exported export(ExperimentRunner.Tools tools, ModelRef ref) throws Exception {
		RunDirectory run = RunDirectory.open(ref.run());
		Experiment e = tools.validator().load(run.resolve(RunDirectory.EXPERIMENT));
		if (!e.training.backend.equals(tools.backend().id())) {
			throw new IllegalArgumentException(ref.run() + " was trained on backend '" + e.training.backend + "'; its checkpoints load there, not on '"
					+ tools.backend().id() + "'");
		}
		Checkpoints.Checkpoint c = ref.resolve(run);
		List<String> names = new ArrayList<>();
		for (int i = 0; i < e.architectures.size(); i++) {
			names.add(ExperimentRunner.modelName(e, i));
		}
		int index = names.indexOf(c.model());
		if (index < 0) {
			throw new IllegalArgumentException(ref.run() + " has no model '" + c.model() + "'; its models: " + String.join(", ", names));
		}
		if (!c.atEpochEnd()) {
			throw new IllegalArgumentException(c.file() + " was written inside an epoch (a resume point), not at an epoch's end: export "
					+ c.model() + "@<epoch> of a finished epoch");
		}
		NetworkGraph graph = new ExperimentRunner(tools, Progress.NONE).graph(e, index);
		Map<String, org.nodulab.nn.Tensor> weights;
		try (TrainableNetwork net = open(tools, null, graph, e.forArchitecture(index).training, c, Precision.FLOAT32)) {
			weights = net.parameters();
		}
		JsonNode provenance = run.readJson(RunDirectory.PROVENANCE).orElse(null);
		float mean = provenance == null ? 0f : (float) provenance.path("trainingMean").path("mean").asDouble(0);
		Preprocessing prep = Preprocessing.of(e.preprocessing, tools.windows(), mean);
		List<org.nodulab.preprocess.PatchLayout> layouts = ExperimentRunner.layouts(e, index, graph);
		Map<String, String> meta = new LinkedHashMap<>();
		meta.put("nodulab.model", run.name() + "/" + c.model() + "@" + c.epoch());
		meta.put("nodulab.run", run.dir().toAbsolutePath().normalize().toString());
		meta.put("nodulab.experiment", e.name);
		meta.put("nodulab.experiment.sha256", Checkpoints.sha256(run.resolve(RunDirectory.EXPERIMENT)));
		meta.put("nodulab.checkpoint.sha256", c.sha256());
		meta.put("nodulab.architecture", e.architectures.get(index).id);
		meta.put("nodulab.trained.backend", e.training.backend);
		meta.put("nodulab.seed", String.valueOf(e.seed));
		var window = prep.window();
		meta.put("preprocessing.resample", String.valueOf(e.preprocessing.resample));
		meta.put("preprocessing.spacing_mm", e.preprocessing.resample ? org.nodulab.luna16.Formats.shortest(e.preprocessing.spacing) : "the scan's own");
		meta.put("preprocessing.window", window.id());
		meta.put("preprocessing.window_hu", org.nodulab.luna16.Formats.shortest(window.min()) + ".." + org.nodulab.luna16.Formats.shortest(window.max()));
		meta.put("preprocessing.training_mean", String.valueOf(e.preprocessing.meanSubtraction ? mean : 0f));
		String low = window.min() < 0 ? "HU + " + org.nodulab.luna16.Formats.shortest(-window.min())
				: "HU - " + org.nodulab.luna16.Formats.shortest(window.min());
		meta.put("preprocessing.formula", "x = clip((" + low + ") / " + org.nodulab.luna16.Formats.shortest(window.max() - window.min())
				+ ", 0, 1) - preprocessing.training_mean; HU by trilinear interpolation on the patch grid");
		StringBuilder inputs = new StringBuilder();
		for (int k = 0; k < graph.inputs().size(); k++) {
			org.nodulab.preprocess.PatchLayout l = layouts.get(k);
			var shape = graph.inputShapes().get(k);
			inputs.append(k == 0 ? "" : "; ").append(graph.inputs().get(k).name()).append(": [batch, ").append(shape.channels()).append(", ")
					.append(shape.depth()).append(", ").append(shape.height()).append(", ").append(shape.width()).append("]");
			if (l.fieldOfView() != null) {
				inputs.append(" field of view ").append(java.util.Arrays.toString(l.fieldOfView())).append(" mm (z, y, x)");
			}
			if (l.scales().length > 1 || l.scales()[0] != 1) {
				inputs.append(" scales ").append(java.util.Arrays.toString(l.scales())).append(" as channels");
			}
		}
		meta.put("inputs", inputs.toString());
		meta.put("inputs.order", "one input per branch in this order; each patch [channels, z, y, x] (depth, height, width) on a grid "
				+ "along the world axes: voxel (i, j, k) at world (x, y, z) = candidate + preprocessing.spacing_mm * ((i, j, k) - (size - 1) / 2)");
		meta.put("preprocessing.padding_hu", org.nodulab.luna16.Formats.shortest(org.nodulab.dataset.ScanVolumes.PAD_HU)
				+ " (outside the scan)");
		meta.put("output", "probability [batch]: that each candidate is a nodule");
		meta.put("tta", e.evaluation.testTimeAugmentation ? "the run averaged 4 rotations about z (0, 90, 180, 270 degrees) of each patch"
				: "none");
		return new Exported(run, c, graph, weights, meta);
	}

	/** A model ready to write in an exchange format: its checkpoint, graph, weights and metadata. */
	public record Exported(RunDirectory run, Checkpoints.Checkpoint checkpoint, NetworkGraph graph,
			Map<String, org.nodulab.nn.Tensor> weights, Map<String, String> metadata) {
	}

	/** Writes the result (the mean, or the single model) as a submission file; never over an existing file. */
	public static void write(Result result, Path file) throws java.io.IOException {
		if (Files.exists(file)) {
			throw new java.nio.file.FileAlreadyExistsException(file.toString(), null, "results are never overwritten");
		}
		Luna16Csv.writeSubmission(file, result.mean());
	}
}
