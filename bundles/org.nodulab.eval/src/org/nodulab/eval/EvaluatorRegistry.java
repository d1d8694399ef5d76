package org.nodulab.eval;

import org.eclipse.core.runtime.IExtensionRegistry;
import org.nodulab.core.registry.AbstractContributionRegistry;
import org.nodulab.core.registry.ContributionRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** The contributions to {@code org.nodulab.eval.evaluators}. */
@Component(service = { EvaluatorRegistry.class, ContributionRegistry.class })
@SuppressWarnings("rawtypes")
public class EvaluatorRegistry extends AbstractContributionRegistry<Evaluator> {

	public static final String EXTENSION_POINT = "org.nodulab.eval.evaluators";

	@Activate
	public EvaluatorRegistry(@Reference IExtensionRegistry registry) {
		super("evaluators", "Evaluators", EXTENSION_POINT, "evaluator", Evaluator.class, registry);
	}

	@Deactivate
	void deactivate() {
		dispose();
	}
}
