package org.nodulab.example.tinynet;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.nn.Architecture;
import org.nodulab.nn.arch.Blocks;
import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;

/** Two stages: conv-bn-act, a residual pair, down-sampling, conv-bn-act; global average pooling. */
public class TinyNetArchitecture implements Architecture<TinyNetSettings> {

	@Override
	public NetworkGraph build(TinyNetSettings s) {
		GraphBuilder g = new GraphBuilder("tinynet");
		List<Node> features = new ArrayList<>();
		for (int b = 0; b < s.branches.size(); b++) {
			String p = "b" + b + "_";
			Node x = Blocks.convBnAct(g, p + "c1", Blocks.input(g, b, s.branches.get(b)), s.filters, 3, s.activation);
			Node y = Blocks.convBn(g, p + "c2", x, s.filters, 3);
			x = Blocks.activation(g, p + "res_act", g.add(p + "res", x, y), s.activation);
			x = Blocks.downsample(g, p + "down", x, s.downsampling);
			x = Blocks.convBnAct(g, p + "c3", x, 2 * s.filters, 3, s.activation);
			features.add(g.globalAveragePool(p + "gap", x));
		}
		return Blocks.head(g, features, s);
	}
}
