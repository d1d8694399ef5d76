package org.nodulab.eval;

import org.eclipse.core.runtime.IExtensionRegistry;
import org.nodulab.core.registry.AbstractContributionRegistry;
import org.nodulab.core.registry.ContributionRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** The contributions to {@code org.nodulab.eval.combiners}. */
@Component(service = { EnsembleCombinerRegistry.class, ContributionRegistry.class })
@SuppressWarnings("rawtypes")
public class EnsembleCombinerRegistry extends AbstractContributionRegistry<EnsembleCombiner> {

	public static final String EXTENSION_POINT = "org.nodulab.eval.combiners";

	@Activate
	public EnsembleCombinerRegistry(@Reference IExtensionRegistry registry) {
		super("combiners", "Ensemble combiners", EXTENSION_POINT, "combiner", EnsembleCombiner.class, registry);
	}

	/**
	 * Combines the members' scores with the combiner of this id, its settings given as a map of keys (checked and
	 * converted by its settings class, as an experiment's would be; empty: the defaults). Framework code reaches the
	 * combiners only this way, never through a supplier's classes.
	 *
	 * @throws IllegalArgumentException naming the combiner and every problem of the settings
	 */
	@SuppressWarnings("unchecked")
	public double[] combine(String id, java.util.List<double[]> scores, java.util.Map<String, ?> settings) throws org.nodulab.core.registry.ContributionException {
		org.nodulab.core.registry.ContributionDescriptor descriptor = require(id);
		EnsembleCombiner<Object> combiner = createInstance(id);
		Object converted = defaultSettings(descriptor).orElse(null);
		if (settings != null && !settings.isEmpty()) {
			Class<?> type = settingsClass(descriptor).orElseThrow(() -> new IllegalArgumentException("combiner '" + id + "' has no settings"));
			org.nodulab.core.settings.SettingsCodec codec = new org.nodulab.core.settings.SettingsCodec();
			java.util.List<org.nodulab.core.settings.SettingsProblem> problems = new java.util.ArrayList<>();
			converted = codec.convert(codec.mapper().valueToTree(settings), type, "", problems);
			if (!problems.isEmpty()) {
				throw new IllegalArgumentException("combiner '" + id + "': " + problems.stream().map(p -> p.path() + ": " + p.message()).toList());
			}
		}
		return combiner.combine(scores, converted);
	}

	@Deactivate
	void deactivate() {
		dispose();
	}
}
