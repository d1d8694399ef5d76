package org.nodulab.campaign;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.SelfValidating;
import org.nodulab.core.settings.Size;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A campaign file: a base experiment, its variants (overrides by key path, and the product of axes), the folds each
 * variant is trained on, the ensembles built across variants and the baseline the others are compared with. Read and
 * expanded by {@link CampaignLoader}.
 */
@JsonPropertyOrder({ "name", "description", "base", "baseline", "folds", "variants", "axes", "ensembles", "scales", "evaluation",
		"executor", "output" })
public class Campaign implements SelfValidating {

	public static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._=+-]*";

	@JsonProperty(required = true)
	@Size(min = 1, max = 80)
	@JsonPropertyDescription("Name of the campaign; its folder is <output>/<name>")
	public String name;

	@JsonPropertyDescription("What the campaign studies")
	public String description = "";

	@JsonProperty(required = true)
	@JsonPropertyDescription("The base experiment file every variant starts from, relative to the campaign file")
	public String base;

	@JsonPropertyDescription("The variant every other is compared with (paired bootstrap of the CPM difference over the same scans); default: the first variant")
	public String baseline;

	public Folds folds = new Folds();

	@JsonPropertyDescription("Variants in the order the notebook lists them; none: the base experiment alone (before axes)")
	public List<Variant> variants = new ArrayList<>();

	@JsonPropertyDescription("Axes whose product is expanded: every variant x every combination of one value per axis")
	public List<Axis> axes = new ArrayList<>();

	@JsonPropertyDescription("Ensembles built across variants from the runs of each fold")
	public List<EnsembleSpec> ensembles = new ArrayList<>();

	@JsonPropertyDescription("Named scales (e.g. quick): overrides applied to every run after its variant's, and optionally other folds; 'campaign plan|run|status|report --scale NAME' picks one, and its runs go to the folder <name>-<scale>")
	public Map<String, Scale> scales = new LinkedHashMap<>();

	public Evaluation evaluation = new Evaluation();

	public ExecutorSpec executor = new ExecutorSpec();

	@JsonPropertyDescription("Folder that holds the campaign's folder, relative to the campaign file")
	public String output = "campaigns";

	@Override
	public void validate(ProblemSink problems) {
		if (name != null && !name.matches(NAME_PATTERN)) {
			problems.add("name", "use letters, digits, '.', '-', '_', '=' and '+' (it names folders), got '" + name + "'");
		}
	}

	/** One variant of the base experiment. */
	@JsonPropertyOrder({ "name", "description", "from", "overrides", "notebook" })
	public static class Variant implements SelfValidating {
		@JsonProperty(required = true)
		@Size(min = 1, max = 80)
		@JsonPropertyDescription("Name of the variant (names its runs' folders)")
		public String name;

		@JsonPropertyDescription("One line: what the variant changes and why")
		public String description = "";

		@JsonPropertyDescription("Fine-tune from another variant: each fold's run starts from that variant's best model of the same fold (sets training.initFrom) and waits until that run has finished, e.g. D29 from D28. With axes, the variant of the same axis values")
		public String from;

		@JsonPropertyDescription("Key paths into the experiment and their new values, e.g. 'architectures[0].settings.activation: prelu'")
		public Map<String, JsonNode> overrides = new LinkedHashMap<>();

		@Range(min = 0, max = 1)
		@JsonPropertyDescription("The CPM the lab notebook reported for this variant, shown beside Nodulab's")
		public Double notebook;

		@Override
		public void validate(ProblemSink problems) {
			if (name != null && !name.matches(NAME_PATTERN)) {
				problems.add("name", "use letters, digits, '.', '-', '_', '=' and '+' (it names folders), got '" + name + "'");
			}
		}
	}

	/** A scale of the whole campaign: the same variants, smaller (or larger). */
	@JsonPropertyOrder({ "description", "overrides", "folds" })
	public static class Scale {
		@JsonPropertyDescription("What this scale is for (e.g. CPU-minutes per variant on the synthetic benchmark)")
		public String description = "";

		@JsonPropertyDescription("Key paths and values applied to every run after its variant's own overrides")
		public Map<String, JsonNode> overrides = new LinkedHashMap<>();

		@JsonPropertyDescription("Folds at this scale; default: the campaign's")
		public Folds folds;
	}

	/** One axis: a key path and the values it takes. */
	@JsonPropertyOrder({ "key", "name", "values", "labels" })
	public static class Axis implements SelfValidating {
		@JsonProperty(required = true)
		@JsonPropertyDescription("Key path into the experiment, e.g. training.learningRate")
		public String key;

		@JsonPropertyDescription("Short name used in variant names (name=value); default: the key's last part")
		public String name;

		@JsonProperty(required = true)
		@Size(min = 1)
		@JsonPropertyDescription("The values the key takes")
		public List<JsonNode> values = new ArrayList<>();

		@JsonPropertyDescription("Labels of the values in variant names; default: the values themselves")
		public List<String> labels;

		@Override
		public void validate(ProblemSink problems) {
			if (labels != null && values != null && labels.size() != values.size()) {
				problems.add("labels", "must have one label per value (" + values.size() + "), has " + labels.size());
			}
		}

		String shortName() {
			if (name != null && !name.isBlank()) {
				return name;
			}
			String k = key.replaceAll("\\[\\d+]", "");
			return k.substring(k.lastIndexOf('.') + 1);
		}

		String label(int i) {
			if (labels != null) {
				return labels.get(i);
			}
			JsonNode v = values.get(i);
			return v.isValueNode() ? v.asText() : "v" + i;
		}
	}

	/** The folds every variant is trained on. */
	@JsonPropertyOrder({ "mode", "count", "seeds" })
	public static class Folds implements SelfValidating {
		public enum Mode {
			/** k-fold cross-validation over the dataset's split (LUNA16 subsets, or the seeded random groups) */
			CV,
			/** repeats of the base split with different seeds */
			SEEDS,
			/** the base experiment's own split, once */
			NONE
		}

		@JsonPropertyDescription("cv: k-fold cross-validation as 'nodulab cv': fold k tests LUNA16 subset k (or random group k) and validates on the next; seeds: the base split, once per seed; none: the base split once")
		public Mode mode = Mode.CV;

		@Range(min = 0, max = 100)
		@JsonPropertyDescription("cv: the first 'count' folds of the full cross-validation (0: all; one per subset present, 10 for a random split)")
		public int count = 0;

		@JsonPropertyDescription("seeds: the experiment seed of each repeat")
		public List<Long> seeds = new ArrayList<>();

		@Override
		public void validate(ProblemSink problems) {
			if (mode == Mode.SEEDS && (seeds == null || seeds.isEmpty())) {
				problems.add("seeds", "mode 'seeds' needs at least one seed");
			}
			if (mode != Mode.SEEDS && seeds != null && !seeds.isEmpty()) {
				problems.add("seeds", "only mode 'seeds' takes seeds (mode is " + mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")");
			}
			if (mode == Mode.CV && count == 1) {
				problems.add("count", "cross-validation needs 2 folds or more (0: all)");
			}
		}
	}

	/** An ensemble across variants. */
	@JsonPropertyOrder({ "name", "members", "combine", "step" })
	public static class EnsembleSpec implements SelfValidating {
		public enum Combine {
			MEAN, MAX, WEIGHTED
		}

		@JsonProperty(required = true)
		@Size(min = 1, max = 80)
		public String name;

		@JsonProperty(required = true)
		@Size(min = 2)
		@JsonPropertyDescription("Variant names")
		public List<String> members = new ArrayList<>();

		@JsonPropertyDescription("mean, max, or weighted (weights searched per fold on that fold's validation predictions only)")
		public Combine combine = Combine.MEAN;

		@Range(min = 0.01, max = 0.5)
		@JsonPropertyDescription("Grid step of the weight search")
		public double step = 0.1;

		@Override
		public void validate(ProblemSink problems) {
			if (name != null && !name.matches(NAME_PATTERN)) {
				problems.add("name", "use letters, digits, '.', '-', '_', '=' and '+', got '" + name + "'");
			}
		}
	}

	/** How results are compared. */
	@JsonPropertyOrder({ "bootstrap", "seed", "confidence" })
	public static class Evaluation {
		@Range(min = 0, max = 100000)
		@JsonPropertyDescription("Bootstrap resamples of the scans for intervals and paired comparisons")
		public int bootstrap = 1000;

		@Range(min = 0)
		public long seed = 0;

		@Range(min = 0.5, max = 0.999)
		public double confidence = 0.95;
	}

	/** Where the runs run. */
	@JsonPropertyOrder({ "id", "settings" })
	public static class ExecutorSpec {
		@JsonPropertyDescription("Executor id ('nodulab list executors'); --executor overrides it")
		public String id = "local";

		@JsonPropertyDescription("The executor's settings (its settings class); -o key=value overrides them")
		public JsonNode settings;
	}
}
