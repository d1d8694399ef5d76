package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.nodulab.train.RunCatalog;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab runs}: the experiment log. */
@Command(name = "runs", description = "The experiment log: every run below a runs folder with its date, status, architectures, key settings and best CPM.",
		subcommands = { RunsCommand.Compare.class, RunsCommand.Froc.class, RunsCommand.Errors.class })
public final class RunsCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Option(names = "--dir", paramLabel = "DIR", description = "The runs folder (default: ${DEFAULT-VALUE}).", defaultValue = "runs")
	Path dir;

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		List<RunCatalog.Entry> entries = RunCatalog.list(dir);
		if (entries.isEmpty()) {
			out.println("no runs in " + dir.toAbsolutePath());
			return 0;
		}
		out.printf(Locale.ROOT, "%-44s %-20s %-11s %-30s %6s %8s %-28s %8s %8s%n", "run", "created", "status", "architectures",
				"epochs", "lr", "augmentations", "best val", "test CPM");
		for (RunCatalog.Entry e : entries) {
			if (e.isDamaged()) {
				out.printf(Locale.ROOT, "%-44s %-20s %-11s %s%n", e.name(), e.created().length() >= 19 ? e.created().substring(0, 19) : e.created(),
						e.status(), e.problem());
				continue;
			}
			out.printf(Locale.ROOT, "%-44s %-20s %-11s %-30s %6d %8.2g %-28s %8s %8s%n", e.name(),
					e.created().length() >= 19 ? e.created().substring(0, 19) : e.created(), e.status(),
					String.join(",", e.architectures()), e.epochs(), e.learningRate(), String.join(",", e.augmentations()),
					TrainCommand.fmt(e.bestValidationCpm()), TrainCommand.fmt(e.cpm()));
		}
		return 0;
	}

	/** {@code nodulab runs compare A B}. */
	@Command(name = "compare", description = "The settings that differ between two runs and the differences of their metrics.")
	static final class Compare implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Parameters(index = "0", paramLabel = "A", description = "A run folder.")
		Path a;

		@Parameters(index = "1", paramLabel = "B", description = "Another run folder.")
		Path b;

		@Override
		public Integer call() throws Exception {
			PrintWriter out = spec.commandLine().getOut();
			Map<String, String[]> diff = RunCatalog.settingsDiff(a, b);
			out.println("settings that differ (A = " + a.getFileName() + ", B = " + b.getFileName() + "):");
			if (diff.isEmpty()) {
				out.println("  none");
			}
			for (Map.Entry<String, String[]> d : diff.entrySet()) {
				out.printf(Locale.ROOT, "  %-40s A: %-24s B: %s%n", d.getKey(), d.getValue()[0], d.getValue()[1]);
			}
			RunCatalog.Entry ea = entry(a);
			RunCatalog.Entry eb = entry(b);
			out.println("metrics (B - A):");
			line(out, "best validation CPM", ea.bestValidationCpm(), eb.bestValidationCpm());
			line(out, "best model test CPM", ea.bestTestCpm(), eb.bestTestCpm());
			line(out, "ensemble test CPM", ea.ensembleCpm(), eb.ensembleCpm());
			return 0;
		}

		private static RunCatalog.Entry entry(Path p) throws java.io.IOException {
			return org.nodulab.train.CrossValidation.isCrossValidation(p) ? RunCatalog.list(p.getParent()).stream()
					.filter(e -> e.dir().equals(p) || e.dir().toAbsolutePath().equals(p.toAbsolutePath())).findFirst()
					.orElseThrow(() -> new java.io.IOException(p + ": not found")) : RunCatalog.entry(p);
		}

		private static void line(PrintWriter out, String what, double a, double b) {
			out.printf(Locale.ROOT, "  %-22s A %s  B %s  delta %s%n", what, TrainCommand.fmt(a), TrainCommand.fmt(b),
					Double.isNaN(a) || Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%+.4f", b - a));
		}
	}

	/** {@code nodulab runs froc RUN}: the curves the FROC view plots. */
	@Command(name = "froc", description = "A run's test FROC curves: sensitivity at the seven operating points (1/8 to 8 FPs per scan), CPM, and whether bootstrap bands exist; --csv writes the plotted series.")
	static final class Froc implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Parameters(index = "0", paramLabel = "<run>", description = "A run folder.")
		Path run;

		@picocli.CommandLine.Option(names = "--csv", paramLabel = "FILE", description = "Write the curves and bands (run, curve, series, fps, sensitivity) to this new file.")
		Path csv;

		@Override
		public Integer call() throws Exception {
			PrintWriter out = spec.commandLine().getOut();
			java.util.List<org.nodulab.train.RunFroc.Curve> curves = org.nodulab.train.RunFroc.read(run);
			if (curves.isEmpty()) {
				throw new IllegalArgumentException(run + " has no FROC files yet (froc/<name>-test/froc_<name>.txt)");
			}
			out.println("curve                      1/8    1/4    1/2    1      2      4      8      CPM     bands");
			for (var c : curves) {
				StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-24s", c.name()));
				for (double s : c.operatingPoints()) {
					b.append(String.format(Locale.ROOT, "  %.3f", s));
				}
				b.append(String.format(Locale.ROOT, "  %.4f  %s", c.cpm(), c.hasBands() ? "yes" : "no"));
				out.println(b);
			}
			if (csv != null) {
				org.nodulab.core.io.AtomicFiles.create(csv, org.nodulab.train.FrocExport.csv(curves));
				out.println("wrote " + csv);
			}
			return 0;
		}
	}

	/** {@code nodulab runs errors RUN}: what the error gallery shows. */
	@Command(name = "errors", description = "The lowest-scored positives and highest-scored negatives of a run's test predictions (candidates within an annotated nodule's radius are positives; those on excluded findings are neither).")
	static final class Errors implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Parameters(index = "0", paramLabel = "<run>", description = "A run folder.")
		Path run;

		@picocli.CommandLine.Option(names = "--model", description = "The model, or 'ensemble' (default: the ensemble when there is one, else the first model).")
		String model;

		@picocli.CommandLine.Option(names = "--count", defaultValue = "8", description = "Cases of each kind (default: ${DEFAULT-VALUE}).")
		int count;

		@Override
		public Integer call() throws Exception {
			PrintWriter out = spec.commandLine().getOut();
			java.util.List<String> models = org.nodulab.train.ErrorCases.models(run);
			String m = model != null ? model : models.contains("ensemble") ? "ensemble" : models.isEmpty() ? "?" : models.get(0);
			org.nodulab.dataset.Luna16Dataset dataset = org.nodulab.dataset.Luna16Dataset.open(org.nodulab.train.ErrorCases.datasetOf(run));
			var errors = org.nodulab.train.ErrorCases.find(run, m, dataset.annotations(), dataset.excluded(), count);
			out.println("lowest-scored positives of " + errors.predictions() + ":");
			for (var c : errors.missedPositives()) {
				out.printf(Locale.ROOT, "  %2d  score %.4f  diameter %5.1f mm  %s  (%.1f, %.1f, %.1f)%n", c.rank(), c.score(), c.diameter(),
						c.seriesuid(), c.x(), c.y(), c.z());
			}
			out.println("highest-scored negatives:");
			for (var c : errors.falsePositives()) {
				out.printf(Locale.ROOT, "  %2d  score %.4f  %s  (%.1f, %.1f, %.1f)%n", c.rank(), c.score(), c.seriesuid(), c.x(), c.y(), c.z());
			}
			return 0;
		}

	}
}
