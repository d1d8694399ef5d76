package org.nodulab.augment;

import org.eclipse.core.runtime.IExtensionRegistry;
import org.nodulab.core.registry.AbstractContributionRegistry;
import org.nodulab.core.registry.ContributionRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** The augmentations contributed to {@code org.nodulab.augment.augmentations}. */
@Component(service = { AugmentationRegistry.class, ContributionRegistry.class })
@SuppressWarnings("rawtypes")
public class AugmentationRegistry extends AbstractContributionRegistry<Augmentation> {

	public static final String EXTENSION_POINT = "org.nodulab.augment.augmentations";

	@Activate
	public AugmentationRegistry(@Reference IExtensionRegistry registry) {
		super("augmentations", "Augmentations", EXTENSION_POINT, "augmentation", Augmentation.class, registry);
	}

	@Deactivate
	void deactivate() {
		dispose();
	}
}
