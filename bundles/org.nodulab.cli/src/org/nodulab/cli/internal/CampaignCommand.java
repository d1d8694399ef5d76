package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.nodulab.campaign.CampaignFolder;
import org.nodulab.campaign.CampaignPlan;
import org.nodulab.campaign.CampaignResults;
import org.nodulab.campaign.CampaignService;
import org.nodulab.campaign.CampaignTask;
import org.nodulab.core.settings.SettingsException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab campaign}: grids of experiments x folds as one job, and the notebook written from their results. */
@Command(name = "campaign", description = "Campaigns: a base experiment, its variants (overrides by key path, axes) x folds, ensembles across variants and a baseline, in one YAML file; run on the local job queue or a Slurm cluster; the table and notebook.md/html written while it runs.",
		subcommands = { CampaignCommand.Plan.class, CampaignCommand.Run.class, CampaignCommand.Status.class,
				CampaignCommand.Cancel.class, CampaignCommand.Report.class, CampaignCommand.Task.class })
public final class CampaignCommand implements Runnable {

	@Spec
	CommandSpec spec;

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getOut());
	}

	/** A campaign file, or a campaign folder for the commands that read one. */
	static CampaignFolder folder(CampaignService service, Path fileOrFolder, String scale) throws Exception {
		if (Files.isDirectory(fileOrFolder)) {
			return CampaignFolder.open(fileOrFolder);
		}
		CampaignPlan plan = service.plan(fileOrFolder, scale);
		if (!CampaignFolder.isCampaign(plan.folder())) {
			throw new IllegalArgumentException("the campaign " + fileOrFolder + " has not been run (no " + plan.folder().resolve(CampaignFolder.PLAN)
					+ "); 'nodulab campaign run " + fileOrFolder + "' starts it");
		}
		return CampaignFolder.open(plan.folder());
	}

	/** The expanded campaign, or null after printing its problems. */
	static CampaignPlan plan(CampaignService service, Path file, String scale, CommandSpec spec) {
		try {
			return service.plan(file, scale);
		} catch (SettingsException x) {
			spec.commandLine().getErr().println(x.getMessage());
			return null;
		}
	}

	/** {@code nodulab campaign plan F}. */
	@Command(name = "plan", description = "Expand and validate a campaign: every run with what it overrides, and the estimated cost from the backend's speed measured here and the sample counts. Nothing is written.")
	static final class Plan implements Callable<Integer> {
		private final Services services;
		@Spec
		CommandSpec spec;
		@Parameters(index = "0", paramLabel = "<campaign.yaml>")
		Path file;
		@Option(names = "--scale", paramLabel = "NAME", description = "One of the campaign's scales (e.g. quick): its overrides on every run, its runs in the folder <name>-<scale>.")
		String scale;
		@Option(names = "--no-estimate", description = "Skip measuring the backends' speed (the cost estimate).")
		boolean noEstimate;
		@Option(names = "--measure-seconds", paramLabel = "S", defaultValue = "1.5", description = "Seconds of training measured per distinct network (default: ${DEFAULT-VALUE}).")
		double seconds;

		public Plan(Services services) {
			this.services = services;
		}

		@Override
		public Integer call() throws Exception {
			PrintWriter out = spec.commandLine().getOut();
			CampaignService service = services.get(CampaignService.class);
			CampaignPlan plan = plan(service, file, scale, spec);
			if (plan == null) {
				return NodulabCommand.INVALID_INPUT;
			}
			out.printf(Locale.ROOT, "campaign %s: %d variant(s) x %d fold(s) = %d runs, every experiment valid; base %s; baseline %s; folder %s%n",
					plan.campaign().name, plan.variants().size(), plan.folds().size(), plan.runs().size(), plan.baseFile(), plan.baseline(),
					plan.folder());
			Map<String, Double> seconds = new LinkedHashMap<>();
			List<CampaignService.Cost> costs = List.of();
			if (!noEstimate) {
				costs = service.estimate(plan, this.seconds, out);
			}
			for (CampaignPlan.VariantPlan v : plan.variants()) {
				out.printf("%s%s%n", v.name(), v.description().isBlank() ? "" : ": " + v.description());
				if (v.from() != null) {
					out.printf("    %s the best model of %s (same fold), after it%n", plan.evaluatesOnly(v) ? "evaluates (0 epochs)" : "fine-tunes",
							v.from());
				}
				if (v.overrides().isEmpty()) {
					out.println("    overrides: none (the base experiment)");
				}
				v.overrides().forEach((k, val) -> out.printf("    %s = %s%n", k, val.isTextual() ? val.asText() : val.toString()));
				for (CampaignPlan.PlannedRun r : plan.runsOf(v.name())) {
					var cost = costs.stream().filter(c -> c.run().equals(r.id())).findFirst();
					out.printf(Locale.ROOT, "    run %-28s %s%n", r.id(), cost.map(c -> String.format(Locale.ROOT,
							"%s: %,d training + %,d scored samples, ~%s", c.backend(), c.trainSamples(), c.inferSamples(),
							Double.isNaN(c.seconds()) ? "not estimated (memory)" : duration(c.seconds()))).orElse(""));
					cost.filter(c -> !Double.isNaN(c.seconds())).ifPresent(c -> seconds.merge(v.name(), c.seconds(), Double::sum));
				}
			}
			plan.campaign().ensembles.forEach(e -> out.printf("ensemble %s: %s of %s%n", e.name, e.combine.name().toLowerCase(Locale.ROOT),
					String.join(", ", e.members)));
			if (!costs.isEmpty()) {
				double total = costs.stream().mapToDouble(CampaignService.Cost::seconds).filter(d -> !Double.isNaN(d)).sum();
				long missing = costs.stream().filter(c -> Double.isNaN(c.seconds())).count();
				out.printf(Locale.ROOT, "estimated cost: %s of compute on this machine's speed (%d runs; each run's samples at the speed measured for its network and backend; lung-mask filtering left out, so an upper bound)%s%n",
						duration(total), costs.size() - missing, missing > 0 ? "; " + missing + " runs not estimated: their networks do not fit the native memory cap" : "");
			}
			return 0;
		}
	}

	static String duration(double s) {
		if (s < 90) {
			return String.format(Locale.ROOT, "%.0f s", s);
		}
		if (s < 5400) {
			return String.format(Locale.ROOT, "%.0f min", s / 60);
		}
		return String.format(Locale.ROOT, "%.1f h", s / 3600);
	}

	/** {@code nodulab campaign run F}. */
	@Command(name = "run", description = "Run a campaign: validate every expanded experiment, write the campaign folder, and start every run that has not finished (finished runs are skipped, interrupted ones resume) through the executor: local (the job queue; waits for the runs where no other process runs the queue) or slurm (sbatch array job; returns after submitting).")
	static final class Run implements Callable<Integer>, Checked {
		private final Services services;
		@Spec
		CommandSpec spec;
		@Parameters(index = "0", paramLabel = "<campaign.yaml>")
		Path file;
		@Option(names = "--scale", paramLabel = "NAME", description = "One of the campaign's scales (e.g. quick): its overrides on every run, its runs in the folder <name>-<scale>.")
		String scale;
		@Option(names = "--executor", paramLabel = "ID", description = "local, slurm, or another installed executor ('nodulab list executors'); default: the campaign file's (local).")
		String executor;
		@Option(names = { "-o", "--option" }, paramLabel = "KEY=VALUE", description = "An executor setting, e.g. -o partition=gpu -o gpus=1 -o time=04:00:00.")
		Map<String, String> options = new LinkedHashMap<>();

		public Run(Services services) {
			this.services = services;
		}

		@Override
		public Integer call() throws Exception {
			PrintWriter out = spec.commandLine().getOut();
			CampaignService service = services.get(CampaignService.class);
			CampaignPlan plan = plan(service, file, scale, spec);
			if (plan == null) {
				return NodulabCommand.INVALID_INPUT;
			}
			CampaignService.Status s = service.run(plan, executor, options, out);
			printStatus(out, s, false);
			services.result(summary(s));
			return s.count(CampaignService.View.FAILED) > 0 ? NodulabCommand.INVALID_INPUT : 0;
		}

		@Override
		public List<String> check() throws Exception {
			try {
				services.get(CampaignService.class).plan(file, scale);
				return List.of();
			} catch (SettingsException x) {
				return x.problems().stream().map(p -> p.format(x.source())).toList();
			}
		}
	}

	static String summary(CampaignService.Status s) {
		List<String> parts = new ArrayList<>();
		for (CampaignService.View v : CampaignService.View.values()) {
			long n = s.count(v);
			if (n > 0) {
				parts.add(n + " " + v.label());
			}
		}
		return String.format(Locale.ROOT, "campaign %s: %d runs: %s (%.0f%% done); %s", s.folder().name(), s.runs().size(), String.join(", ", parts),
				100 * s.progress(), s.folder().dir().resolve("notebook.html"));
	}

	static void printStatus(PrintWriter out, CampaignService.Status s, boolean all) {
		s.problems().forEach(p -> out.println("warning: " + p));
		for (CampaignService.RunView r : s.runs()) {
			if (all || r.state() != CampaignService.View.FINISHED) {
				out.printf(Locale.ROOT, "  %-32s %-12s %3.0f%%%s%n", r.id(), r.state().label(), 100 * r.progress(),
						r.message().isBlank() ? "" : "  " + r.message().replace("\n", "\n      "));
			}
		}
		out.println(summary(s));
	}

	/** {@code nodulab campaign status F}. */
	@Command(name = "status", description = "Each run's state (not started, queued, running, interrupted, finished, failed with the tail of its log) and progress, from the campaign folder and the executor; updates the table and the notebook.")
	static final class Status implements Callable<Integer> {
		private final Services services;
		@Spec
		CommandSpec spec;
		@Parameters(index = "0", paramLabel = "<campaign.yaml | campaign folder>")
		Path file;
		@Option(names = "--scale", paramLabel = "NAME", description = "One of the campaign's scales (e.g. quick): its overrides on every run, its runs in the folder <name>-<scale>.")
		String scale;
		@Option(names = "--executor", paramLabel = "ID", description = "Ask this executor (default: the one the campaign was last run with).")
		String executor;

		public Status(Services services) {
			this.services = services;
		}

		@Override
		public Integer call() throws Exception {
			PrintWriter out = spec.commandLine().getOut();
			CampaignService service = services.get(CampaignService.class);
			CampaignFolder folder = folder(service, file, scale);
			CampaignService.Status s = service.status(folder, executor, Map.of(), out);
			printStatus(out, s, true);
			try {
				CampaignResults.Table t = service.report(folder);
				printTable(out, t);
			} catch (Exception e) {
				out.println("the table could not be computed: " + NodulabCommand.message(e));
			}
			return 0;
		}
	}

	static void printTable(PrintWriter out, CampaignResults.Table t) {
		out.printf(Locale.ROOT, "%-28s %9s %17s  %36s  %38s%n", "", "finished", "mean ± sd", "pooled CPM [interval]", "vs " + t.baseline());
		for (CampaignResults.Row r : t.all()) {
			out.printf(Locale.ROOT, "%-28s %4d / %-3d %17s  %36s  %38s%n", (r.kind().equals("ensemble") ? "[e] " : "") + r.name(), r.finished(),
					r.planned(), Double.isNaN(r.mean()) ? "" : String.format(Locale.ROOT, "%.4f ± %s", r.mean(), Double.isNaN(r.sd()) ? "-" : String.format(Locale.ROOT, "%.4f", r.sd())),
					CampaignResults.pooledText(r), CampaignResults.deltaText(r));
		}
		if (t.all().stream().anyMatch(r -> r.interim() != null)) {
			out.println(CampaignResults.INTERIM_NOTE);
		}
		t.all().stream().filter(r -> r.interim() != null && !r.interim().note().isBlank()).forEach(r -> out.printf(Locale.ROOT,
				"%s, interim %s: %s%n", r.name(), r.interim().scope(r.planned()), r.interim().note()));
	}

	/** {@code nodulab campaign cancel F}. */
	@Command(name = "cancel", description = "Cancel the campaign's queued and running runs (or those named with --run) through the executor that started them; runs keep their last checkpoint and resume on the next 'campaign run'.")
	static final class Cancel implements Callable<Integer> {
		private final Services services;
		@Spec
		CommandSpec spec;
		@Parameters(index = "0", paramLabel = "<campaign.yaml | campaign folder>")
		Path file;
		@Option(names = "--scale", paramLabel = "NAME", description = "One of the campaign's scales (e.g. quick): its overrides on every run, its runs in the folder <name>-<scale>.")
		String scale;
		@Option(names = "--run", paramLabel = "VARIANT/FOLD", description = "Only this run (repeatable).")
		List<String> runs = new ArrayList<>();

		public Cancel(Services services) {
			this.services = services;
		}

		@Override
		public Integer call() throws Exception {
			CampaignService service = services.get(CampaignService.class);
			CampaignFolder folder = folder(service, file, scale);
			for (String r : runs) {
				if (!folder.runIds().contains(r)) {
					throw new IllegalArgumentException("--run " + r + ": no such run; runs: " + folder.runIds());
				}
			}
			service.cancel(folder, runs, spec.commandLine().getOut());
			return 0;
		}
	}

	/** {@code nodulab campaign report F}. */
	@Command(name = "report", description = "Recompute the campaign table (results/campaign.csv) and the notebook (notebook.md, notebook.html) from the runs' files and print the table.")
	static final class Report implements Callable<Integer> {
		private final Services services;
		@Spec
		CommandSpec spec;
		@Parameters(index = "0", paramLabel = "<campaign.yaml | campaign folder>")
		Path file;
		@Option(names = "--scale", paramLabel = "NAME", description = "One of the campaign's scales (e.g. quick): its overrides on every run, its runs in the folder <name>-<scale>.")
		String scale;

		public Report(Services services) {
			this.services = services;
		}

		@Override
		public Integer call() throws Exception {
			CampaignService service = services.get(CampaignService.class);
			CampaignFolder folder = folder(service, file, scale);
			CampaignResults.Table t = service.report(folder);
			PrintWriter out = spec.commandLine().getOut();
			printTable(out, t);
			out.println("notebook: " + folder.dir().resolve("notebook.html") + ", " + folder.dir().resolve("notebook.md") + "; table: "
					+ folder.dir().resolve("results/campaign.csv"));
			return 0;
		}
	}

	/** {@code nodulab campaign task DIR RUN}: what every executor starts. */
	@Command(name = "task", description = "Run (or resume, or skip when finished) one run of a campaign folder, then update its table and notebook. Executors start this on each run; it is rarely typed.")
	static final class Task implements Callable<Integer>, DeviceWork, Checked {
		private final Services services;
		@Spec
		CommandSpec spec;
		@Parameters(index = "0", paramLabel = "<campaign folder>")
		Path dir;
		@Parameters(index = "1", paramLabel = "<variant/fold>")
		String run;

		public Task(Services services) {
			this.services = services;
		}

		@Override
		public Integer call() throws Exception {
			PrintWriter out = spec.commandLine().getOut();
			CampaignService service = services.get(CampaignService.class);
			CampaignFolder folder = CampaignFolder.open(dir);
			CampaignTask.Outcome o = service.task(folder, run, e -> services.runner(RunTools.forTraining(services, e.training.backend), out),
					RunTools.commandLine(spec), out);
			if (o.skipped()) {
				out.println(run + ": finished already; " + o.run());
				services.result(run + ": finished already");
				return 0;
			}
			if (o.stopped()) {
				out.println(run + ": stopped after a checkpoint; the next 'campaign run' resumes it");
				services.result(run + ": stopped");
				return NodulabCommand.STOPPED;
			}
			String cpm = o.result().models().stream().map(m -> String.format(Locale.ROOT, "%s test CPM %.4f", m.model(), m.testCpm()))
					.reduce((a, b) -> a + ", " + b).orElse("");
			out.println(run + ": finished; " + cpm + "; " + o.run());
			services.result(run + ": " + cpm);
			return 0;
		}

		@Override
		public List<String> check() throws Exception {
			CampaignFolder folder = CampaignFolder.open(dir);
			if (!folder.runIds().contains(run)) {
				return List.of("no run '" + run + "' in the campaign " + dir + "; runs: " + folder.runIds());
			}
			return List.of();
		}
	}
}
