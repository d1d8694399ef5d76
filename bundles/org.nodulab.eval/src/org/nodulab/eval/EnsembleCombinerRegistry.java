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

	@Deactivate
	void deactivate() {
		dispose();
	}
}
