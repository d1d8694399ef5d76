package org.nodulab.campaign;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.core.settings.SettingsException;
import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.eval.EnsembleCombinerRegistry;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.Batch;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.Throughput;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.train.RunServices;
import org.nodulab.train.TrainingData;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Campaigns as a headless service: plan (expand, validate, estimate the cost), run through an executor, status,
 * cancel, results. The command line ({@code nodulab campaign}) and the workbench's Campaigns view are its two faces.
 */
@Component(service = CampaignService.class)
public final class CampaignService {

	private final CampaignLoader loader;
	private final CampaignExecutorRegistry executors;
	private final EnsembleCombinerRegistry combiners;
	private final RunServices runs;
	private final ArchitectureRegistry architectures;
	private final BundleContext context;

	@Activate
	public CampaignService(@Reference CampaignLoader loader, @Reference CampaignExecutorRegistry executors,
			@Reference EnsembleCombinerRegistry combiners, @Reference RunServices runs,
			@Reference ArchitectureRegistry architectures, BundleContext context) {
		this.loader = loader;
		this.executors = executors;
		this.combiners = combiners;
		this.runs = runs;
		this.architectures = architectures;
		this.context = context;
	}

	public CampaignLoader loader() {
		return loader;
	}

	public CampaignExecutorRegistry executors() {
		return executors;
	}

	public RunServices runServices() {
		return runs;
	}

	/** Loads, expands and validates a campaign file (see {@link CampaignLoader#load}). */
	public CampaignPlan plan(Path file) throws SettingsException {
		return loader.load(file);
	}

	/** The campaign at one of its scales (null: as written; see {@link CampaignLoader#loadAtScale}). */
	public CampaignPlan plan(Path file, String scale) throws SettingsException {
		return loader.loadAtScale(file, scale);
	}

	/** A run's state as the campaign sees it: its folder's, refined by what the executor says. */
	public enum View {
		NOT_STARTED, QUEUED, RUNNING, INTERRUPTED, FINISHED, FAILED;

		public String label() {
			return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
		}
	}

	/** One run in the status. */
	public record RunView(String id, String variant, String fold, View state, double progress, String message) {
	}

	/** The status of a campaign. */
	public record Status(CampaignFolder folder, List<RunView> runs, String executor, List<String> problems) {
		public long count(View v) {
			return runs.stream().filter(r -> r.state() == v).count();
		}

		public double progress() {
			return runs.isEmpty() ? 0 : runs.stream().mapToDouble(RunView::progress).sum() / runs.size();
		}
	}

	/** An executor with the context it works in. */
	private record Bound(CampaignExecutor<Object> executor, CampaignExecutor.Context context) {
	}

	/** The executor of this id (null: the campaign's), configured from the campaign and {@code key=value} options. */
	@SuppressWarnings("unchecked")
	private Bound bind(CampaignFolder folder, String executorId, Map<String, String> options, PrintWriter out) throws Exception {
		String id = executorId != null ? executorId : folder.executorId();
		JsonNode fromCampaign = id.equals(folder.executorId()) ? folder.executorSettings() : null;
		CampaignExecutorRegistry.Configured c = executors.configure(id, fromCampaign, options);
		return new Bound((CampaignExecutor<Object>) c.executor(),
				new CampaignExecutor.Context(folder.withExecutor(id), c.settings(), launcher(c.settings()), out, this::service));
	}

	/** The command that runs Nodulab where tasks run: the executor's {@code command} setting, else this product's launcher. */
	static List<String> launcher(Object settings) {
		try {
			var field = settings == null ? null : settings.getClass().getField("command");
			Object value = field == null ? null : field.get(settings);
			if (value instanceof String s && !s.isBlank()) {
				return List.of(s);
			}
		} catch (NoSuchFieldException | IllegalAccessException e) {
			// an executor without a command setting
		}
		String launcher = System.getenv("NODULAB_LAUNCHER");
		return launcher == null || launcher.isBlank() ? List.of() : List.of(launcher);
	}

	/**
	 * Writes the campaign folder of a plan and starts every run that has not finished through the executor ({@code null}:
	 * the campaign file's), after its check. Finished runs are skipped; interrupted ones resume.
	 */
	public Status run(CampaignPlan plan, String executorId, Map<String, String> options, PrintWriter out) throws Exception {
		String id = executorId != null ? executorId : plan.campaign().executor.id;
		JsonNode fromCampaign = id.equals(plan.campaign().executor.id) ? plan.campaign().executor.settings : null;
		CampaignExecutorRegistry.Configured configured = executors.configure(id, fromCampaign, options);
		CampaignFolder folder = CampaignFolder.write(plan, id, configured.settings() == null ? null
				: loader.codec().toTree(configured.settings()));
		CampaignExecutor.Context ctx = new CampaignExecutor.Context(folder, configured.settings(), launcher(configured.settings()), out,
				this::service);
		@SuppressWarnings("unchecked")
		CampaignExecutor<Object> executor = (CampaignExecutor<Object>) configured.executor();
		List<String> problems = executor.check(ctx);
		if (!problems.isEmpty()) {
			throw new IllegalStateException("executor '" + id + "': " + String.join("; ", problems) + " (nothing was submitted)");
		}
		Map<String, CampaignExecutor.State> active = executor.active(ctx);
		List<String> todo = new ArrayList<>();
		int finished = 0;
		for (String run : folder.runIds()) {
			CampaignFolder.RunStatus s = folder.status(run);
			if (s.state() == CampaignFolder.RunState.FINISHED) {
				finished++;
			} else if (active.containsKey(run)) {
				out.println("  " + run + ": " + active.get(run).name().toLowerCase(java.util.Locale.ROOT) + " already");
			} else {
				todo.add(run);
			}
		}
		out.printf(java.util.Locale.ROOT, "campaign %s: %d runs, %d finished, %d to %s with executor '%s'%n", folder.name(),
				folder.runIds().size(), finished, todo.size(), "start or resume", id);
		out.flush();
		if (!todo.isEmpty() || !active.isEmpty()) {
			// a run after the run it fine-tunes from; with none to submit, the executor still sees to the active ones (the
			// local queue runs and waits for jobs an earlier 'campaign run' queued where no process runs them)
			executor.submit(ctx, folder.ordered(todo));
		}
		report(folder);
		return status(folder, id, Map.of(), out);
	}

	/** The state of every run (the executor's view included). */
	public Status status(CampaignFolder folder, String executorId, Map<String, String> options, PrintWriter out) throws Exception {
		Bound bound = bind(folder, executorId, options, out);
		CampaignExecutor.Context ctx = bound.context();
		CampaignExecutor<Object> executor = bound.executor();
		List<String> problems = new ArrayList<>();
		Map<String, CampaignExecutor.State> active = Map.of();
		Map<String, String> failures = Map.of();
		try {
			active = executor.active(ctx);
			failures = executor.failures(ctx);
		} catch (Exception e) {
			problems.add("executor '" + ctx.folder().executorId() + "': " + e.getMessage());
		}
		List<RunView> views = new ArrayList<>();
		for (String id : folder.runIds()) {
			CampaignFolder.RunStatus s = folder.status(id);
			String[] vf = id.split("/", 2);
			View v = switch (s.state()) {
			case FINISHED -> View.FINISHED;
			case FAILED -> View.FAILED;
			case INTERRUPTED -> View.INTERRUPTED;
			case NOT_STARTED -> View.NOT_STARTED;
			};
			String message = s.message();
			if (v != View.FINISHED && active.containsKey(id)) {
				v = active.get(id) == CampaignExecutor.State.RUNNING ? View.RUNNING : View.QUEUED;
				message = "";
			} else if (v != View.FINISHED && failures.containsKey(id)) {
				v = View.FAILED;
				message = failures.get(id);
			}
			views.add(new RunView(id, vf[0], vf[1], v, s.progress(), message));
		}
		return new Status(folder, views, ctx.folder().executorId(), problems);
	}

	/** Cancels runs (all when {@code runIds} is empty) through the executor that started them. */
	public void cancel(CampaignFolder folder, List<String> runIds, PrintWriter out) throws Exception {
		Bound bound = bind(folder, null, Map.of(), out);
		bound.executor().cancel(bound.context(), runIds);
	}

	/** Recomputes and writes the table and the notebook. */
	public CampaignResults.Table report(CampaignFolder folder) throws Exception {
		return CampaignResults.update(folder, combiners);
	}

	/** Runs one task (what executors start) and updates the results. */
	public CampaignTask.Outcome task(CampaignFolder folder, String runId, java.util.function.Function<Experiment, org.nodulab.train.ExperimentRunner> runners,
			List<String> commandLine, PrintWriter out) throws Exception {
		CampaignTask.Outcome o = CampaignTask.run(folder, runId, loader.validator(), runners, commandLine);
		try {
			report(folder);
		} catch (Exception e) {
			out.println("the campaign's results could not be updated: " + e.getMessage());
		}
		return o;
	}

	private <T> T service(Class<T> type) {
		ServiceReference<T> ref = context.getServiceReference(type);
		if (ref == null) {
			throw new IllegalStateException("no " + type.getSimpleName() + " service is available");
		}
		return context.getService(ref);
	}

	// ------------------------------------------------------------------------------------------------ cost estimate

	/** Estimated cost of one run: samples to train and to score, and seconds at the measured speed. */
	public record Cost(String run, String backend, long trainSamples, long inferSamples, double trainPerSecond,
			double inferPerSecond) {
		public double seconds() {
			return trainSamples / trainPerSecond + inferSamples / inferPerSecond;
		}
	}

	/**
	 * The cost of every run: sample counts from the dataset (epochs x epoch size for training; validation and test
	 * candidates x test-time augmentation x epochs for scoring; the lung-mask filter left out, so an upper bound) and the
	 * backend's speed measured here on each distinct network for {@code seconds} (random inputs, the experiment's batch).
	 */
	public List<Cost> estimate(CampaignPlan plan, double seconds, PrintWriter out) throws Exception {
		Map<String, double[]> speeds = new HashMap<>();
		Map<String, long[]> counts = new HashMap<>();
		List<Cost> costs = new ArrayList<>();
		for (CampaignPlan.PlannedRun r : plan.runs()) {
			Experiment e = r.experiment();
			long train = 0;
			long infer = 0;
			double trainSeconds = 0;
			double inferSeconds = 0;
			String backendIds = "";
			for (int i = 0; i < e.architectures.size(); i++) {
				Experiment a = e.forArchitecture(i);
				long[] c = counts.computeIfAbsent(countKey(a), k -> {
					try {
						return counts(a);
					} catch (IOException x) {
						throw new java.io.UncheckedIOException(x);
					}
				});
				int epochs = a.training.epochs;
				long t = c[0] * epochs;
				long p = c[1] * (a.evaluation.testTimeAugmentation ? 4 : 1) * epochs;
				NetworkGraph graph = architectures.build(a.architectures.get(i).id, a.architectures.get(i).resolvedSettings());
				String key = a.training.backend + "\u0000" + a.training.batchSize + "\u0000" + org.nodulab.nn.graph.GraphJson.write(graph);
				double[] speed = speeds.get(key);
				if (speed == null) {
					out.printf(java.util.Locale.ROOT, "  measuring %s on %s (batch %d)...%n", a.architectures.get(i).id, a.training.backend,
							a.training.batchSize);
					out.flush();
					try {
						speed = measure(runs.backend(a.training.backend), graph, a.training, seconds);
					} catch (OutOfMemoryError x) { // JavaCPP's cap refuses before allocating: the process goes on
						out.printf(java.util.Locale.ROOT, "  %s on %s (batch %d) does not fit this process's native memory cap (%s): its runs are not estimated; they need a larger NODULAB_MAXRSS (or a smaller batch) here%n",
								a.architectures.get(i).id, a.training.backend, a.training.batchSize, x.getMessage());
						speed = new double[] { Double.NaN, Double.NaN };
						System.gc();
					}
					speeds.put(key, speed);
				}
				train += t;
				infer += p;
				trainSeconds += t / speed[0];
				inferSeconds += p / speed[1];
				backendIds = a.training.backend;
			}
			costs.add(new Cost(r.id(), backendIds, train, infer, train / Math.max(trainSeconds, 1e-9), infer / Math.max(inferSeconds, 1e-9)));
		}
		return costs;
	}

	private static String countKey(Experiment a) {
		return a.dataset.path + "|" + a.dataset.candidates + "|" + a.dataset.labels + "|" + a.dataset.positives + "|"
				+ a.dataset.positiveDiameter.min + "-" + a.dataset.positiveDiameter.max + "|" + a.dataset.extraNegatives.file + ">"
				+ a.dataset.extraNegatives.minProbability + "|" + a.dataset.predictCandidates + "|" + a.dataset.split.mode + "|"
				+ a.dataset.split.train + a.dataset.split.validation + a.dataset.split.test + a.dataset.split.ratios + a.dataset.split.folds
				+ "/" + a.dataset.split.fold + "|" + a.seed + "|" + a.sampling.epochSize;
	}

	/** Training samples per epoch and candidates scored per epoch (validation and test). */
	private static long[] counts(Experiment e) throws IOException {
		Luna16Dataset dataset = Luna16Dataset.open(e.resolve(e.dataset.path));
		List<List<Luna16Dataset.Scan>> split = TrainingData.split(dataset, e.dataset.split, e.seed);
		CandidateTable train = org.nodulab.train.TrainingCandidates.of(dataset, e.dataset).table();
		String predictName = e.dataset.predictCandidates == null || e.dataset.predictCandidates.isBlank() ? e.dataset.candidates
				: e.dataset.predictCandidates;
		CandidateTable predict = dataset.candidates(predictName);
		long negatives = 0;
		for (Luna16Dataset.Scan s : split.get(0)) {
			for (int row : train.rowsOf(s.uid())) {
				if (train.label(row) == 0) {
					negatives++;
				}
			}
		}
		long scored = 0;
		for (int k = 1; k <= 2; k++) {
			for (Luna16Dataset.Scan s : split.get(k)) {
				scored += predict.rowsOf(s.uid()).length;
			}
		}
		return new long[] { Math.max(1, Math.round(e.sampling.epochSize * negatives)), scored };
	}

	/** Training and inference samples per second of a network on a backend, over about {@code seconds} each. */
	private static double[] measure(ComputeBackend backend, NetworkGraph graph, TrainingSettings training, double seconds)
			throws Exception {
		Batch b = Throughput.randomBatch(graph, training.batchSize, 1);
		try (TrainableNetwork net = backend.create(graph, training, 1)) {
			Throughput.Figures f = Throughput.measure(net, () -> b, b, seconds);
			return new double[] { f.train(), f.infer() };
		}
	}

	/** Per variant: runs and estimated seconds, in the order of the plan. */
	public static Map<String, double[]> byVariant(List<Cost> costs) {
		Map<String, double[]> out = new LinkedHashMap<>();
		for (Cost c : costs) {
			double[] v = out.computeIfAbsent(c.run().substring(0, c.run().indexOf('/')), k -> new double[2]);
			v[0]++;
			v[1] += c.seconds();
		}
		return out;
	}
}
