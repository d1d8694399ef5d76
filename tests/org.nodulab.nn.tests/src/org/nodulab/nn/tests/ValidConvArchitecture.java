package org.nodulab.nn.tests;

import org.nodulab.nn.Architecture;
import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;

public class ValidConvArchitecture implements Architecture<ValidConvSettings> {

	@Override
	public NetworkGraph build(ValidConvSettings s) {
		GraphBuilder g = new GraphBuilder("valid-conv");
		Node x = g.input("input0", 1, s.size, s.size, s.size);
		x = g.conv3d("conv", x, 4, GraphBuilder.cube(s.kernel), GraphBuilder.cube(1), GraphBuilder.cube(1),
				Op.Padding.VALID, true);
		return g.build(g.classifier("out", g.globalAveragePool("gap", x), Op.Classifier.Output.SIGMOID));
	}
}
