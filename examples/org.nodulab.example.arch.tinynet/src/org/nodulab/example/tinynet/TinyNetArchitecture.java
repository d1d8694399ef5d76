package org.nodulab.example.tinynet;

import org.nodulab.nn.Architecture;
import org.nodulab.nn.arch.Blocks;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;

/** Two stages: conv-bn-act, a residual pair, down-sampling, conv-bn-act; global average pooling. */
public class TinyNetArchitecture implements Architecture<TinyNetSettings> {

	@Override
	public NetworkGraph build(TinyNetSettings s) {
		return Blocks.branchedNetwork("tinynet", s, (g, p, input) -> {
			Node x = Blocks.convBnAct(g, p + "c1", input, s.filters, 3, s.activation);
			Node y = Blocks.convBn(g, p + "c2", x, s.filters, 3);
			x = Blocks.activation(g, p + "res_act", g.add(p + "res", x, y), s.activation);
			x = Blocks.downsample(g, p + "down", x, s.downsampling);
			return Blocks.convBnAct(g, p + "c3", x, 2 * s.filters, 3, s.activation);
		});
	}
}
