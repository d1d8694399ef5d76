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

	@Option(names = "--gallery", description = "Also write pictures of typical nodules and false positives, and whole slices, into synth/.")
	boolean gallery;

	public SynthCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		SynthSettings settings = settingsFile != null ? new SettingsCodec().read(settingsFile, SynthSettings.class)
				: new SynthSettings();
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
		out.println("Dataset written to " + summary.dir());
		return 0;
	}

	private static boolean isDefault(SynthSettings s) {
		SettingsCodec codec = new SettingsCodec();
		return codec.toYaml(s).equals(codec.toYaml(new SynthSettings()));
	}
}
