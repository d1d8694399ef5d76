package org.nodulab.nn;

import org.nodulab.nn.graph.NetworkGraph;

/**
 * A network architecture, contributed to {@code org.nodulab.nn.architectures}. It describes its network
 * with {@link org.nodulab.nn.graph.GraphBuilder}; it never depends on a compute backend.
 *
 * @param <S> the settings class declared in the contribution
 */
public interface Architecture<S> {

	/**
	 * Builds the network for the given settings.
	 *
	 * @throws org.nodulab.nn.graph.GraphException when the settings give an impossible network (e.g. more
	 *             poolings than the input size allows), naming the node and the shapes
	 */
	NetworkGraph build(S settings);
}
