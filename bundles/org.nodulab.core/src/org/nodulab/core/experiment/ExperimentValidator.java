package org.nodulab.core.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.nodulab.core.registry.ContributionCatalog;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.core.registry.ContributionRegistry;
import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.core.settings.SettingsException;
import org.nodulab.core.settings.SettingsProblem;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads an experiment file and checks everything that can be checked before work starts: syntax,
 * unknown keys, types, ranges, cross-field rules, and every contribution it names (architectures,
 * augmentations, evaluators, the HU window) with that contribution's own settings class. All problems
 * are reported at once, each with file, line, key path and what is allowed.
 */
@Component(service = ExperimentValidator.class)
public class ExperimentValidator {

	private final ContributionCatalog catalog;
	private final SettingsCodec codec = new SettingsCodec();
	private final List<ExperimentCheck> checks = new CopyOnWriteArrayList<>();

	@Activate
	public ExperimentValidator(@Reference ContributionCatalog catalog) {
		this.catalog = catalog;
	}

	@Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
	void addCheck(ExperimentCheck check) {
		checks.add(check);
	}

	void removeCheck(ExperimentCheck check) {
		checks.remove(check);
	}

	public SettingsCodec codec() {
		return codec;
	}

	/**
	 * Loads and validates an experiment file.
	 *
	 * @return the experiment, every contribution reference resolved to its validated settings
	 * @throws SettingsException listing every problem found
	 */
	public Experiment load(Path file) throws SettingsException {
		SettingsCodec.Document document = codec.parse(file);
		Path dir = file.toAbsolutePath().normalize().getParent();
		return validate(document, dir);
	}

	/** Validates an already parsed document. */
	public Experiment validate(SettingsCodec.Document document) throws SettingsException {
		return validate(document, null);
	}

	/**
	 * Validates an already parsed document whose relative paths resolve against {@code baseDir} (checks
	 * that look at data, such as the training bundle's, use it).
	 */
	public Experiment validate(SettingsCodec.Document document, Path baseDir) throws SettingsException {
		return validate(document, baseDir, false);
	}

	/**
	 * As {@link #validate(SettingsCodec.Document, Path)}; {@code initFromPlanned}: its {@code training.initFrom} names a
	 * run that will exist before it runs (a campaign variant's {@code from}), which is checked when the run starts.
	 */
	public Experiment validate(SettingsCodec.Document document, Path baseDir, boolean initFromPlanned) throws SettingsException {
		List<SettingsProblem> problems = new ArrayList<>();
		Experiment experiment = codec.convert(document.root(), Experiment.class, "", problems);
		if (experiment != null) {
			experiment.baseDir = baseDir;
			experiment.initFromPlanned = initFromPlanned;
			experiment.withDefaults();
			resolve("augmentations", "augmentations", experiment.augmentations, problems);
			resolve("architectures", "architectures", experiment.architectures, problems);
			resolveTraining(experiment, problems);
			resolve("evaluators", "evaluation.evaluators", experiment.evaluation.evaluators, problems);
			checkDeclarative("windows", "preprocessing.window", experiment.preprocessing.window, problems);
			if (problems.isEmpty()) {
				for (ExperimentCheck check : checks) {
					check.check(experiment, problems);
				}
			}
			if (problems.isEmpty()) {
				for (String scale : experiment.scales.keySet()) {
					atScale(experiment, scale, null, problems);
				}
			}
		}
		codec.throwIfAny(document, problems);
		return experiment;
	}

	/**
	 * The experiment at one of its scales ({@code scales.<name>}): its overrides applied to the experiment with every
	 * default written out, then {@code edit} (command-line options, which win), validated like the file itself.
	 *
	 * @param experiment a validated experiment
	 * @param edit further changes to the scaled tree (null: none)
	 * @throws SettingsException naming the scale's key that makes the experiment invalid, at its line of the file
	 */
	public Experiment atScale(SettingsCodec.Document document, Experiment experiment, String scale, Consumer<ObjectNode> edit)
			throws SettingsException {
		List<SettingsProblem> problems = new ArrayList<>();
		Experiment scaled = atScale(experiment, scale, edit, problems);
		codec.throwIfAny(document, problems);
		return scaled;
	}

	private Experiment atScale(Experiment experiment, String scale, Consumer<ObjectNode> edit, List<SettingsProblem> problems) {
		ExperimentScale s = experiment.scales.get(scale);
		if (s == null) {
			problems.add(experiment.scales.containsKey(scale)
					? new SettingsProblem("scales." + scale, 0, "expected a mapping with 'overrides' (key paths and their values), got nothing")
					: new SettingsProblem(experiment.scales.isEmpty() ? "name" : "scales", 0, "no scale '" + scale + "'; "
							+ (experiment.scales.isEmpty() ? "the experiment has no scales" : "scales: " + experiment.scales.keySet())));
			return null;
		}
		String at = "scales." + scale + ".overrides";
		Map<String, JsonNode> overrides = s.overrides == null ? Map.of() : s.overrides;
		ObjectNode tree = fullTree(experiment);
		boolean applied = true;
		for (Map.Entry<String, JsonNode> o : overrides.entrySet()) {
			String problem = KeyPaths.set(tree, o.getKey(), o.getValue() == null ? NullNode.getInstance() : o.getValue(), overrides.keySet());
			if (problem != null) {
				problems.add(new SettingsProblem(at + "." + o.getKey(), 0, problem));
				applied = false;
			}
		}
		if (!applied) {
			return null;
		}
		if (edit != null) {
			edit.accept(tree);
		}
		try {
			return validate(codec.parse("the experiment at scale '" + scale + "'", codec.toYaml(tree)), experiment.baseDir,
					experiment.initFromPlanned);
		} catch (SettingsException x) {
			for (SettingsProblem p : x.problems()) {
				String origin = KeyPaths.origin(p.path(), overrides.keySet());
				problems.add(new SettingsProblem(origin != null ? at + "." + origin : "scales." + scale, 0, "at scale '" + scale
						+ "' the experiment is invalid: " + (p.path().isEmpty() ? "" : p.path() + ": ") + p.message()));
			}
			return null;
		}
	}

	/**
	 * The experiment as a tree with every default written out, each contribution's settings included, so that a key
	 * path can name any key the experiment has (a campaign's variants and scales, the experiment's scales); without
	 * the experiment's own scales. Relative paths stay relative to {@link Experiment#baseDir}.
	 */
	public ObjectNode fullTree(Experiment e) {
		ObjectNode tree = (ObjectNode) codec.toTree(e);
		fillSettings(tree.path("architectures"), e.architectures);
		fillSettings(tree.path("augmentations"), e.augmentations);
		fillSettings(tree.path("evaluation").path("evaluators"), e.evaluation.evaluators);
		tree.remove("scales");
		return tree;
	}

	private void fillSettings(JsonNode array, List<? extends ContributionRef> refs) {
		if (!(array instanceof ArrayNode a)) {
			return;
		}
		for (int i = 0; i < refs.size() && i < a.size(); i++) {
			Object settings = refs.get(i).resolvedSettings();
			if (settings != null && a.get(i) instanceof ObjectNode o) {
				o.set("settings", codec.toTree(settings));
			}
		}
	}

	private void resolve(String kind, String path, List<? extends ContributionRef> refs,
			List<SettingsProblem> problems) {
		resolve(kind, path, refs, problems, 0);
	}

	/** How deep composed contributions (a merged network of merged networks) may nest. */
	private static final int MAX_COMPOSITION_DEPTH = 4;

	private void resolve(String kind, String path, List<? extends ContributionRef> refs,
			List<SettingsProblem> problems, int depth) {
		for (int i = 0; i < refs.size(); i++) {
			ContributionRef ref = refs.get(i);
			String refPath = path + "[" + i + "]";
			if (ref == null) {
				continue; // reported by the codec as an empty list entry
			}
			if (ref.id == null) {
				continue; // reported as a missing required key
			}
			Optional<ContributionDescriptor> descriptor = lookup(kind, refPath + ".id", ref.id, problems);
			if (descriptor.isEmpty()) {
				continue;
			}
			ContributionRegistry registry = catalog.registry(kind).orElseThrow();
			try {
				Optional<Class<?>> settingsClass = registry.settingsClass(descriptor.get());
				if (settingsClass.isEmpty()) {
					if (ref.settings != null && !ref.settings.isNull() && !ref.settings.isEmpty()) {
						problems.add(new SettingsProblem(refPath + ".settings", 0,
								registry.singular() + " '" + ref.id + "' has no settings"));
					}
					continue;
				}
				JsonNode tree = ref.settings;
				Object settings = codec.convert(tree, settingsClass.get(), refPath + ".settings", problems);
				ref.resolve(settings);
				if (settings instanceof ComposedSettings composed) {
					if (depth >= MAX_COMPOSITION_DEPTH) {
						problems.add(new SettingsProblem(refPath + ".settings", 0,
								"contributions nest more than " + MAX_COMPOSITION_DEPTH + " deep"));
					} else {
						resolve(composed.memberKind(), refPath + ".settings." + composed.membersKey(), composed.members(), problems,
								depth + 1);
					}
				}
			} catch (ContributionException e) {
				problems.add(new SettingsProblem(refPath + ".id", 0, e.getMessage()));
			}
		}
	}

	/** Each architecture's training overrides merged onto the experiment's training section, validated there. */
	private void resolveTraining(Experiment experiment, List<SettingsProblem> problems) {
		for (int i = 0; i < experiment.architectures.size(); i++) {
			ArchitectureRef ref = experiment.architectures.get(i);
			if (ref == null || ref.training == null || ref.training.isNull()) {
				continue;
			}
			String path = "architectures[" + i + "].training";
			if (!ref.training.isObject()) {
				problems.add(new SettingsProblem(path, 0, "expected a mapping of training settings"));
				continue;
			}
			com.fasterxml.jackson.databind.node.ObjectNode merged = (com.fasterxml.jackson.databind.node.ObjectNode) codec
					.toTree(experiment.training).deepCopy();
			ref.training.fields().forEachRemaining(f -> merged.set(f.getKey(), f.getValue()));
			List<SettingsProblem> own = new ArrayList<>();
			TrainingSettings settings = codec.convert(merged, TrainingSettings.class, path, own);
			problems.addAll(own);
			if (settings != null && own.isEmpty()) {
				if (settings.hardMining == null) {
					settings.hardMining = new HardMiningSettings();
				}
				ref.resolveTraining(settings);
			}
		}
	}

	private void checkDeclarative(String kind, String path, String id, List<SettingsProblem> problems) {
		if (id == null || id.isBlank()) {
			problems.add(new SettingsProblem(path, 0, "missing required key"));
			return;
		}
		lookup(kind, path, id, problems);
	}

	private Optional<ContributionDescriptor> lookup(String kind, String path, String id,
			List<SettingsProblem> problems) {
		Optional<ContributionRegistry> registry = catalog.registry(kind);
		if (registry.isEmpty()) {
			problems.add(new SettingsProblem(path, 0, "no bundle providing " + kind + " is installed"));
			return Optional.empty();
		}
		try {
			return Optional.of(registry.get().require(id));
		} catch (ContributionException e) {
			problems.add(new SettingsProblem(path, 0, e.getMessage()));
			return Optional.empty();
		}
	}
}
