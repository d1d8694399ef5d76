package org.nodulab.core.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

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
		List<SettingsProblem> problems = new ArrayList<>();
		Experiment experiment = codec.convert(document.root(), Experiment.class, "", problems);
		if (experiment != null) {
			experiment.baseDir = baseDir;
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
		}
		codec.throwIfAny(document, problems);
		return experiment;
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
