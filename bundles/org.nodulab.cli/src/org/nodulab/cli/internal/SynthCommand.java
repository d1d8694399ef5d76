package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.synth.MeanHuBaseline;
import org.nodulab.synth.SynthDataset;
import org.nodulab.synth.SynthSettings;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab synth}: the synthetic LUNA16 benchmark. */
@Command(name = "synth", description = {
		"Generate the synthetic LUNA16 benchmark: phantom chest CTs with nodules (solid, ground-glass, calcified, juxtavascular, juxtapleural; sizes from LUNA16's annotations), vessels and look-alikes, in the LUNA16 layout (subset0..9/*.mhd, annotations.csv, annotations_excluded.csv, candidates_V2.csv, candidates_stage2.csv, seriesuids.csv, seg-lungs-LUNA16/) plus synth/ (settings, findings and candidate kinds).",
		"Prints the CPM of the one-feature baseline (mean HU in a 5 mm sphere), which pins the benchmark's hardness: 0.40-0.60 on the default benchmark. Deterministic for a seed; never overwrites." })
public final class SynthCommand implements Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Option(names = "--out", required = true, paramLabel = "DIR", description = "New (or empty) folder for the dataset.")
	Path out;

	@Option(names = "--scans", paramLabel = "N", description = "Number of scans (default: 20, or the settings file's).")
	Integer scans;

	@Option(names = "--seed", paramLabel = "S", description = "Seed (default: 1, or the settings file's).")
	Long seed;

	@Option(names = "--settings", paramLabel = "FILE", description = "A settings file (YAML), e.g. synth/settings.yaml of a generated dataset to generate it again.")
	Path settingsFile;

	@Option(names = "--preset", paramLabel = "NAME", description = "default (20 scans: the demo's), or ranking (120 scans: 10-fold cross-validation pooled over all scans gives a 95%% CPM interval within +-0.05, enough to rank variants; about 4 minutes here). --scans and --seed still apply.")
	String preset = "default";

	@Option(names = "--gallery", description = "Also write pictures of typical nodules and false positives, and whole slices, into synth/.")
	boolean gallery;

	/** Scans of the ranking preset: the baseline's pooled interval within {@link #RANKING_HALF_WIDTH} (120 scans: +-0.045 measured). */
	static final int RANKING_SCANS = 120;

	/** The half-width of the 95% CPM interval the ranking preset is for. */
	static final double RANKING_HALF_WIDTH = 0.05;

	public SynthCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		SynthSettings settings = settingsFile != null ? new SettingsCodec().read(settingsFile, SynthSettings.class)
				: new SynthSettings();
		switch (preset) {
		case "default" -> {
		}
		case "ranking" -> {
			if (settingsFile != null) {
				throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--preset ranking and --settings both set the scans: choose one");
			}
			settings.scans = RANKING_SCANS;
		}
		default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
				"unknown --preset '" + preset + "': expected default or ranking");
		}
		if (scans != null) {
			settings.scans = scans;
		}
		if (seed != null) {
			settings.seed = seed;
		}
		PrintWriter out = spec.commandLine().getOut();
		out.printf(Locale.ROOT, "nodulab synth: %d scans, seed %d -> %s%n", settings.scans, settings.seed, this.out);
		SynthDataset.Summary summary = SynthDataset.generate(services.get(org.nodulab.volume.VolumeWriterRegistry.class), settings, this.out, gallery, line -> {
			out.println(line);
			out.flush();
		});
		out.println(summary);
		out.println("Baseline: mean HU in a " + MeanHuBaseline.DIAMETER + " mm sphere around each candidates_V2.csv candidate");
		out.println(summary.baseline().summary().indent(2).stripTrailing());
		boolean defaults = isDefault(settings);
		double cpm = summary.baselineCpm();
		boolean inRange = cpm >= SynthDataset.BASELINE_CPM_MIN && cpm <= SynthDataset.BASELINE_CPM_MAX;
		out.printf(Locale.ROOT, "  baseline CPM %.4f: %s the target %.2f-%.2f%s%n", cpm, inRange ? "within" : "OUTSIDE",
				SynthDataset.BASELINE_CPM_MIN, SynthDataset.BASELINE_CPM_MAX,
				defaults ? " of the default benchmark" : " (the target holds for the default benchmark; these settings differ)");
		// how well a benchmark of this size can rank: the baseline's CPM interval pooled over every scan (what
		// cross-validation pooled over all folds is evaluated on); a CPM near 0.5 has the widest interval
		org.nodulab.eval.froc.FrocResult pooled = org.nodulab.eval.froc.Luna16Evaluation.evaluate(this.out.resolve("annotations.csv"),
				this.out.resolve("annotations_excluded.csv"), this.out.resolve("seriesuids.csv"), this.out.resolve("synth/baseline_meanhu.csv"),
				org.nodulab.eval.froc.Luna16Evaluation.Options.of("pooled").withBootstrap(1000, settings.seed));
		double[] ci = pooled.cpmInterval();
		double half = (ci[1] - ci[0]) / 2;
		out.printf(Locale.ROOT, "  pooled over all %d scans: baseline CPM %.4f, 95%% bootstrap interval %.4f-%.4f (+-%.3f)%s%n", settings.scans,
				pooled.cpm(), ci[0], ci[1], half,
				"ranking".equals(preset) ? (half <= RANKING_HALF_WIDTH ? ": within the ranking target +-" + RANKING_HALF_WIDTH
						: ": WIDER than the ranking target +-" + RANKING_HALF_WIDTH) : "");
		out.println("Dataset written to " + summary.dir());
		return 0;
	}

	private static boolean isDefault(SynthSettings s) {
		SettingsCodec codec = new SettingsCodec();
		return codec.toYaml(s).equals(codec.toYaml(new SynthSettings()));
	}
}
