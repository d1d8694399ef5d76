package org.nodulab.core.registry;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Every contribution registry in the running product, whichever bundle defines it. The command line
 * ({@code nodulab info}, {@code nodulab list}), the workbench's Contributions view and the experiment
 * validator all read contributions through this service.
 */
@Component(service = ContributionCatalog.class)
public class ContributionCatalog {

	private final List<ContributionRegistry> registries = new CopyOnWriteArrayList<>();

	@Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
	void addRegistry(ContributionRegistry registry) {
		registries.add(registry);
	}

	void removeRegistry(ContributionRegistry registry) {
		registries.remove(registry);
	}

	/** The registries, sorted by kind. */
	public List<ContributionRegistry> registries() {
		return registries.stream().sorted(Comparator.comparing(ContributionRegistry::kind)).toList();
	}

	public Optional<ContributionRegistry> registry(String kind) {
		return registries.stream().filter(r -> r.kind().equals(kind)).findFirst();
	}

	/**
	 * The registry of a kind.
	 *
	 * @throws ContributionException naming the known kinds when there is none
	 */
	public ContributionRegistry requireRegistry(String kind) throws ContributionException {
		return registry(kind).orElseThrow(() -> new ContributionException("unknown extension point '" + kind
				+ "'; known: " + String.join(", ", registries().stream().map(ContributionRegistry::kind).toList())));
	}
}
