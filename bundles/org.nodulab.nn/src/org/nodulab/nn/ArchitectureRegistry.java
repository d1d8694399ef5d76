package org.nodulab.nn;

import org.eclipse.core.runtime.IExtensionRegistry;
import org.nodulab.core.registry.AbstractContributionRegistry;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.core.registry.ContributionRegistry;
import org.nodulab.nn.graph.GraphException;
import org.nodulab.nn.graph.NetworkGraph;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** The architectures contributed to {@code org.nodulab.nn.architectures}. */
@Component(service = { ArchitectureRegistry.class, ContributionRegistry.class })
@SuppressWarnings("rawtypes")
public class ArchitectureRegistry extends AbstractContributionRegistry<Architecture> {

	public static final String EXTENSION_POINT = "org.nodulab.nn.architectures";

	@Activate
	public ArchitectureRegistry(@Reference IExtensionRegistry registry) {
		super("architectures", "Network architectures", EXTENSION_POINT, "architecture", Architecture.class, registry);
	}

	@Deactivate
	void deactivate() {
		dispose();
	}

	/**
	 * Builds the network of an architecture.
	 *
	 * @param settings the architecture's settings object, or {@code null} for its defaults
	 * @throws ContributionException when the architecture cannot be loaded or its settings give an
	 *             impossible network
	 */
	@SuppressWarnings("unchecked")
	public NetworkGraph build(String id, Object settings) throws ContributionException {
		ContributionDescriptor descriptor = require(id);
		Architecture architecture = createInstance(id);
		Object resolved = settings != null ? settings
				: defaultSettings(descriptor).orElseThrow(
						() -> new ContributionException("architecture '" + id + "' declares no settings class"));
		try {
			return architecture instanceof ComposedArchitecture composed ? composed.build(resolved, this) : architecture.build(resolved);
		} catch (GraphException e) {
			throw new ContributionException("architecture '" + id + "': " + e.getMessage(), e);
		} catch (ClassCastException e) {
			throw new ContributionException("architecture '" + id + "' was given settings of type "
					+ resolved.getClass().getName() + ", expected " + descriptor.settingsClass(), e);
		}
	}
}
