package org.nodulab.core.registry;

import java.util.List;
import java.util.Optional;

/**
 * The contributions to one Nodulab extension point. Every registry is also published as an OSGi
 * service under this interface, so the command line, the workbench and the experiment validator see
 * every kind of contribution without knowing the domain types.
 */
public interface ContributionRegistry {

	/** Short name used on the command line and in experiment files, e.g. {@code architectures}. */
	String kind();

	/** Human-readable name of the kind, e.g. "Network architectures". */
	String label();

	/** Fully qualified extension point id, e.g. {@code org.nodulab.nn.architectures}. */
	String extensionPointId();

	/** The valid contributions, sorted by id. Reading them loads no contributed class. */
	List<ContributionDescriptor> descriptors();

	/** Contributions that were skipped (malformed, duplicate) or failed to load, with the reason. */
	List<ContributionProblem> problems();

	default Optional<ContributionDescriptor> find(String id) {
		return descriptors().stream().filter(d -> d.id().equals(id)).findFirst();
	}

	/**
	 * The contribution with this id.
	 *
	 * @throws ContributionException naming the installed ids when there is none
	 */
	default ContributionDescriptor require(String id) throws ContributionException {
		Optional<ContributionDescriptor> found = find(id);
		if (found.isEmpty()) {
			List<String> ids = descriptors().stream().map(ContributionDescriptor::id).toList();
			throw new ContributionException("unknown " + singular() + " '" + id + "'; installed: "
					+ (ids.isEmpty() ? "none" : String.join(", ", ids)));
		}
		return found.get();
	}

	/**
	 * Loads the settings class of a contribution, or returns empty when it declares none.
	 *
	 * @throws ContributionException when the class cannot be loaded; the contribution is then
	 *             recorded in {@link #problems()}
	 */
	Optional<Class<?>> settingsClass(ContributionDescriptor descriptor) throws ContributionException;

	/** A new settings object with the contribution's defaults, or empty when it declares none. */
	Optional<Object> defaultSettings(ContributionDescriptor descriptor) throws ContributionException;

	/** Singular noun for messages: "architecture", "window". */
	default String singular() {
		String k = kind();
		return k.endsWith("s") ? k.substring(0, k.length() - 1) : k;
	}
}
