package org.nodulab.nn;

import org.nodulab.core.registry.ContributionException;
import org.nodulab.nn.graph.GraphException;
import org.nodulab.nn.graph.NetworkGraph;

/**
 * An architecture built from other architectures (a network merged from several), which it builds
 * through the registry like any other code: it never names an architecture's classes.
 *
 * @param <S> the settings class declared in the contribution
 */
public interface ComposedArchitecture<S> extends Architecture<S> {

	/** Builds the network, its members through {@code registry}. */
	NetworkGraph build(S settings, ArchitectureRegistry registry) throws ContributionException;

	/** A composed architecture needs the registry: {@link ArchitectureRegistry#build} passes it. */
	@Override
	default NetworkGraph build(S settings) {
		throw new GraphException(getClass().getSimpleName() + " is built from other architectures: build it through the architecture registry");
	}
}
