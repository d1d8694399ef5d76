package org.nodulab.campaign;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.nodulab.core.experiment.KeyPaths;
import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.core.experiment.SplitSettings;
import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.core.settings.SettingsException;
import org.nodulab.core.settings.SettingsProblem;
import org.nodulab.dataset.Luna16Dataset;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads a campaign file, expands its variants (overrides, then the product of the axes) and folds, and validates
 * every expanded experiment as {@code nodulab validate} would, before anything starts. Every problem names the
 * campaign file, the line of the override or variant that caused it, and what the experiment validator said.
 */
@Component(service = CampaignLoader.class)
public final class CampaignLoader {

	private final ExperimentValidator validator;

	@Activate
	public CampaignLoader(@Reference ExperimentValidator validator) {
		this.validator = validator;
	}

	public ExperimentValidator validator() {
		return validator;
	}

	public SettingsCodec codec() {
		return validator.codec();
	}

	/** A variant before expansion: where its overrides stand in the file. */
	private record Source(String name, String description, Double notebook, Map<String, JsonNode> overrides,
			Map<String, String> origins, String path, String from) {
	}

	/**
	 * Loads, expands and validates a campaign file.
	 *
	 * @throws SettingsException listing every problem, each with the campaign file's line
	 */
	public CampaignPlan load(Path file) throws SettingsException {
		return load(file, validator.codec().parse(file), null);
	}

	/**
	 * The campaign at one of its scales ({@code scales.<name>}: overrides applied to every run after its variant's, and
	 * optionally other folds), in the folder {@code <name>-<scale>}; null: as written.
	 */
	public CampaignPlan loadAtScale(Path file, String scale) throws SettingsException {
		return load(file, validator.codec().parse(file), scale);
	}

	/** As {@link #load(Path)}, for the text of a campaign file being edited (relative paths against its folder). */
	public CampaignPlan load(Path file, String content) throws SettingsException {
		return load(file, validator.codec().parse(file.toString(), content), null);
	}

	/** Whether a YAML document is a campaign (it names a base experiment) rather than an experiment. */
	public static boolean isCampaign(com.fasterxml.jackson.databind.JsonNode root) {
		return root != null && root.isObject() && root.has("base") && !root.has("architectures") && !root.has("dataset");
	}

	private CampaignPlan load(Path file, SettingsCodec.Document document, String scale) throws SettingsException {
		SettingsCodec codec = validator.codec();
		List<SettingsProblem> problems = new ArrayList<>();
		Campaign campaign = codec.convert(document.root(), Campaign.class, "", problems);
		codec.throwIfAny(document, problems);
		withDefaults(campaign);
		Campaign.Scale chosen = null;
		if (scale != null) {
			chosen = campaign.scales.get(scale);
			if (chosen == null) {
				problems.add(new SettingsProblem(campaign.scales.isEmpty() ? "name" : "scales", 0, "no scale '" + scale + "'; scales: "
						+ campaign.scales.keySet()));
				codec.throwIfAny(document, problems);
			}
			campaign.name = campaign.name + "-" + scale;
			if (chosen.folds != null) {
				campaign.folds = chosen.folds;
			}
		}
		Path dir = file.toAbsolutePath().normalize().getParent();
		Path baseFile = dir.resolve(campaign.base).normalize();
		Experiment base;
		try {
			base = validator.load(baseFile);
		} catch (SettingsException e) {
			problems.add(new SettingsProblem("base", 0, "the base experiment is invalid:\n  "
					+ e.getMessage().replace("\n", "\n  ")));
			codec.throwIfAny(document, problems);
			throw e;
		}
		ObjectNode full = fullTree(base);

		List<Source> sources = sources(campaign);
		if (chosen != null) {
			List<Source> scaled = new ArrayList<>();
			for (Source s : sources) {
				Map<String, JsonNode> overrides = new LinkedHashMap<>(s.overrides());
				Map<String, String> origins = new HashMap<>(s.origins());
				for (Map.Entry<String, JsonNode> o : chosen.overrides.entrySet()) {
					overrides.remove(o.getKey());
					overrides.put(o.getKey(), o.getValue());
					origins.put(o.getKey(), "scales." + scale + ".overrides." + o.getKey());
				}
				scaled.add(new Source(s.name(), s.description(), s.notebook(), overrides, origins, s.path(), s.from()));
			}
			sources = scaled;
		}
		Set<String> names = new HashMap<String, Integer>().keySet();
		Map<String, String> seen = new HashMap<>();
		for (Source s : sources) {
			String previous = seen.putIfAbsent(s.name(), s.path());
			if (previous != null) {
				problems.add(new SettingsProblem(s.path() + ".name", 0,
						"duplicate variant name '" + s.name() + "' (also at line " + document.lines().lineOf(previous) + ")"));
			}
		}
		names = seen.keySet();
		if (campaign.baseline != null && !names.contains(campaign.baseline)) {
			problems.add(new SettingsProblem("baseline", 0, "names no variant: '" + campaign.baseline + "'; variants: " + names));
		}
		Set<String> ensembleNames = new LinkedHashSet<>();
		for (int i = 0; i < campaign.ensembles.size(); i++) {
			Campaign.EnsembleSpec e = campaign.ensembles.get(i);
			if (!ensembleNames.add(e.name) || names.contains(e.name)) {
				problems.add(new SettingsProblem("ensembles[" + i + "].name", 0, "duplicate name '" + e.name + "' (names of variants and ensembles must differ)"));
			}
			Set<String> members = new LinkedHashSet<>();
			for (int m = 0; m < e.members.size(); m++) {
				String member = e.members.get(m);
				if (!names.contains(member)) {
					problems.add(new SettingsProblem("ensembles[" + i + "].members[" + m + "]", 0, "names no variant: '" + member + "'; variants: " + names));
				} else if (!members.add(member)) {
					problems.add(new SettingsProblem("ensembles[" + i + "].members[" + m + "]", 0, "'" + member + "' is listed twice"));
				}
			}
		}
		checkFrom(sources, names, problems);
		codec.throwIfAny(document, problems);
		Path output = dir.resolve(campaign.output).normalize();
		Path folder = output.resolve(campaign.name);

		List<CampaignPlan.VariantPlan> variants = new ArrayList<>();
		List<CampaignPlan.PlannedRun> runs = new ArrayList<>();
		List<String> foldLabels = null;
		Set<String> reported = new LinkedHashSet<>();
		for (Source s : sources) {
			ObjectNode tree = full.deepCopy();
			boolean applied = true;
			for (Map.Entry<String, JsonNode> o : s.overrides().entrySet()) {
				String problem = KeyPaths.set(tree, o.getKey(), o.getValue(), s.overrides().keySet());
				if (problem != null) {
					problems.add(new SettingsProblem(s.origins().get(o.getKey()), 0, problem));
					applied = false;
				}
			}
			if (s.from() != null) {
				if (s.overrides().containsKey("training.initFrom")) {
					problems.add(new SettingsProblem(s.origins().get("training.initFrom"), 0, "variant '" + s.name()
							+ "' fine-tunes from variant '" + s.from() + "' (its 'from'): leave training.initFrom out"));
				}
			}
			variants.add(new CampaignPlan.VariantPlan(s.name(), s.description(), s.overrides(), s.notebook(), s.from()));
			if (!applied) {
				continue;
			}
			List<Fold> folds;
			try {
				folds = folds(campaign.folds, tree, base);
			} catch (IOException | IllegalArgumentException e) {
				problems.add(new SettingsProblem("folds", 0, "variant '" + s.name() + "': " + e.getMessage()));
				continue;
			}
			if (foldLabels == null) {
				foldLabels = folds.stream().map(Fold::label).toList();
			} else if (!foldLabels.equals(folds.stream().map(Fold::label).toList())) {
				problems.add(new SettingsProblem(s.path(), 0, "variant '" + s.name() + "' has folds " + folds.stream().map(Fold::label).toList()
						+ ", the others " + foldLabels + " (a variant must not change the dataset's subsets)"));
				continue;
			}
			for (Fold f : folds) {
				ObjectNode run = tree.deepCopy();
				f.apply(run);
				run.put("name", experimentName(campaign.name, s.name(), f.label()));
				if (s.from() != null) {
					// the source run's folder, which need not exist yet: its model is checked when this run starts (CampaignTask);
					// set before validation, so that a variant evaluating it as it is (0 epochs) is valid
					run.with("training").put("initFrom", folder.resolve("runs").resolve(s.from()).resolve(f.label()).toString());
				}
				String yaml = codec.toYaml(run);
				try {
					Experiment e = validator.validate(codec.parse(s.name() + "/" + f.label(), yaml), base.baseDir, s.from() != null);
					String after = null;
					if (s.from() != null) {
						after = CampaignFolder.runId(s.from(), f.label());
					}
					runs.add(new CampaignPlan.PlannedRun(s.name(), f.index(), f.label(), e, codec.toYaml(e), after));
				} catch (SettingsException x) {
					for (SettingsProblem p : x.problems()) {
						String at = origin(s, p.path());
						String message = "variant '" + s.name() + "' makes an invalid experiment: " + (p.path().isEmpty() ? "" : p.path() + ": ") + p.message();
						if (reported.add(at + "\u0000" + message)) {
							problems.add(new SettingsProblem(at, 0, message));
						}
					}
				}
			}
		}
		codec.throwIfAny(document, problems);
		return new CampaignPlan(file.toAbsolutePath().normalize(), campaign, folder, baseFile, variants, foldLabels, runs);
	}

	/** The name of a run's experiment: {@code <campaign>.<variant>.<fold>}, in the characters experiment names allow. */
	static String experimentName(String campaign, String variant, String fold) {
		return (campaign + "." + variant + "." + fold).replaceAll("[^A-Za-z0-9._-]", "_");
	}

	private static void withDefaults(Campaign c) {
		if (c.folds == null) {
			c.folds = new Campaign.Folds();
		}
		if (c.variants == null) {
			c.variants = new ArrayList<>();
		}
		if (c.axes == null) {
			c.axes = new ArrayList<>();
		}
		if (c.ensembles == null) {
			c.ensembles = new ArrayList<>();
		}
		if (c.evaluation == null) {
			c.evaluation = new Campaign.Evaluation();
		}
		if (c.executor == null) {
			c.executor = new Campaign.ExecutorSpec();
		}
		if (c.description == null) {
			c.description = "";
		}
		if (c.scales == null) {
			c.scales = new LinkedHashMap<>();
		}
		for (Campaign.Scale s : c.scales.values()) {
			if (s != null && s.overrides == null) {
				s.overrides = new LinkedHashMap<>();
			}
		}
		for (Campaign.Variant v : c.variants) {
			if (v != null && v.overrides == null) {
				v.overrides = new LinkedHashMap<>();
			}
		}
	}

	/** The variants as given (or the base alone), each times every combination of the axes' values. */
	private static List<Source> sources(Campaign c) {
		List<Source> given = new ArrayList<>();
		if (c.variants.isEmpty()) {
			given.add(new Source("base", "the base experiment", null, new LinkedHashMap<>(), new LinkedHashMap<>(), "base", null));
		}
		for (int i = 0; i < c.variants.size(); i++) {
			Campaign.Variant v = c.variants.get(i);
			Map<String, String> origins = new LinkedHashMap<>();
			for (String key : v.overrides.keySet()) {
				origins.put(key, "variants[" + i + "].overrides." + key);
			}
			given.add(new Source(v.name, v.description == null ? "" : v.description, v.notebook, new LinkedHashMap<>(v.overrides),
					origins, "variants[" + i + "]", v.from == null || v.from.isBlank() ? null : v.from));
		}
		List<Source> out = given;
		for (int a = 0; a < c.axes.size(); a++) {
			Campaign.Axis axis = c.axes.get(a);
			List<Source> next = new ArrayList<>();
			for (Source s : out) {
				for (int v = 0; v < axis.values.size(); v++) {
					Map<String, JsonNode> overrides = new LinkedHashMap<>(s.overrides());
					Map<String, String> origins = new LinkedHashMap<>(s.origins());
					overrides.put(axis.key, axis.values.get(v));
					origins.put(axis.key, "axes[" + a + "].values[" + v + "]");
					String label = axis.shortName() + "=" + axis.label(v);
					String name = c.variants.isEmpty() && a == 0 ? label : s.name() + "+" + label;
					String description = (s.description().isEmpty() || c.variants.isEmpty() && a == 0 ? "" : s.description() + "; ")
							+ axis.key + " = " + (axis.values.get(v).isTextual() ? axis.values.get(v).asText() : axis.values.get(v).toString());
					// with axes, a variant fine-tunes the model of its source with the same axis values
					String from = s.from() == null ? null : s.from() + "+" + label;
					next.add(new Source(name, description, s.notebook(), overrides, origins, s.path(), from));
				}
			}
			out = next;
		}
		return out;
	}

	/**
	 * Every {@code from} names another variant of the campaign, and following them never comes back to where it started
	 * (each problem at the {@code from} line).
	 */
	private static void checkFrom(List<Source> sources, Set<String> names, List<SettingsProblem> problems) {
		Map<String, String> from = new HashMap<>();
		Set<String> reported = new LinkedHashSet<>();
		for (Source s : sources) {
			if (s.from() == null) {
				continue;
			}
			String at = s.path() + ".from";
			if (s.from().equals(s.name())) {
				if (reported.add(at)) {
					problems.add(new SettingsProblem(at, 0, "variant '" + s.name() + "' cannot fine-tune from itself"));
				}
			} else if (!names.contains(s.from())) {
				if (reported.add(at)) {
					problems.add(new SettingsProblem(at, 0, "names no variant: '" + s.from() + "'; variants: " + names));
				}
			} else {
				from.put(s.name(), s.from());
			}
		}
		for (Source s : sources) {
			List<String> chain = new ArrayList<>(List.of(s.name()));
			String next = from.get(s.name());
			while (next != null && !chain.contains(next)) {
				chain.add(next);
				next = from.get(next);
			}
			if (next != null && next.equals(s.name()) && reported.add(s.path() + ".from")) {
				chain.add(next);
				problems.add(new SettingsProblem(s.path() + ".from", 0, "fine-tuning goes round in a circle: " + String.join(" <- ", chain)));
			}
		}
	}

	/** The campaign line a problem of an expanded experiment comes from: the override that set the key, else the variant. */
	private static String origin(Source s, String path) {
		String best = KeyPaths.origin(path, s.overrides().keySet());
		return best != null ? s.origins().get(best) : s.path();
	}

	/** The base experiment with every default written out (see {@link ExperimentValidator#fullTree}), paths absolute, no output. */
	private ObjectNode fullTree(Experiment e) {
		ObjectNode tree = validator.fullTree(e);
		if (e.baseDir != null) {
			tree.with("dataset").put("path", e.resolve(e.dataset.path).toString());
			if (e.training.initFrom != null && !e.training.initFrom.isBlank()) {
				tree.with("training").put("initFrom", e.resolve(e.training.initFrom).toString());
			}
		}
		tree.remove("output");
		return tree;
	}

	/** One fold: how it changes an experiment tree. */
	private record Fold(int index, String label, java.util.function.Consumer<ObjectNode> edit) {
		void apply(ObjectNode tree) {
			edit.accept(tree);
		}
	}

	private List<Fold> folds(Campaign.Folds folds, ObjectNode tree, Experiment base) throws IOException {
		List<Fold> out = new ArrayList<>();
		switch (folds.mode) {
		case NONE -> out.add(new Fold(0, "once", t -> {
		}));
		case SEEDS -> {
			for (int k = 0; k < folds.seeds.size(); k++) {
				long seed = folds.seeds.get(k);
				out.add(new Fold(k, "seed-" + seed, t -> t.put("seed", seed)));
			}
			if (new LinkedHashSet<>(folds.seeds).size() != folds.seeds.size()) {
				throw new IllegalArgumentException("a seed is listed twice: " + folds.seeds);
			}
		}
		case CV -> {
			ObjectNode split = tree.with("dataset").with("split");
			String mode = split.path("mode").asText("subsets").toLowerCase(Locale.ROOT);
			if (mode.equals(SplitSettings.Mode.RANDOM.name().toLowerCase(Locale.ROOT))) {
				int n = folds.count > 0 ? folds.count : 10;
				for (int k = 0; k < n; k++) {
					int fold = k;
					out.add(new Fold(k, "fold-" + k, t -> {
						ObjectNode s = t.with("dataset").with("split");
						s.put("folds", n);
						s.put("fold", fold);
					}));
				}
			} else {
				Path dataset = Path.of(tree.path("dataset").path("path").asText());
				List<Integer> subsets = Luna16Dataset.open(dataset).subsets();
				if (subsets.size() < 2) {
					throw new IllegalArgumentException(dataset + " has " + subsets.size() + " subset(s); cross-validation needs 2 or more");
				}
				if (folds.count > subsets.size()) {
					throw new IllegalArgumentException(folds.count + " folds asked, but " + dataset + " has " + subsets.size() + " subsets");
				}
				int n = folds.count > 0 ? folds.count : subsets.size();
				for (int k = 0; k < n; k++) {
					int test = subsets.get(k);
					int validation = subsets.get((k + 1) % subsets.size());
					out.add(new Fold(k, "fold-" + k, t -> {
						ObjectNode s = t.with("dataset").with("split");
						s.put("mode", "subsets");
						s.set("test", array(s, List.of(test)));
						s.set("validation", array(s, subsets.size() > 2 ? List.of(validation) : List.of()));
						s.set("train", array(s, subsets.stream().filter(x -> x != test && (subsets.size() == 2 || x != validation)).toList()));
					}));
				}
			}
		}
		}
		return out;
	}

	private static ArrayNode array(ObjectNode owner, List<Integer> values) {
		ArrayNode a = owner.arrayNode();
		values.forEach(a::add);
		return a;
	}
}
