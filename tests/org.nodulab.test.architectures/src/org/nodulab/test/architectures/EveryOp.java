package org.nodulab.test.architectures;

import static org.nodulab.nn.graph.GraphBuilder.cube;

import org.nodulab.nn.graph.GraphBuilder;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Node;
import org.nodulab.nn.graph.Op;

/** A small graph with every op the graph builder offers, on two inputs (the backends' and the ONNX export's cross-checks). */
public final class EveryOp {

	private EveryOp() {
	}

	public static NetworkGraph graph(Op.Classifier.Output output) {
		return graph(output, 0.3);
	}

	public static NetworkGraph graph(Op.Classifier.Output output, double dropout) {
		GraphBuilder g = new GraphBuilder("every-op");
		Node a = g.input("a", 1, 12, 12, 12);
		Node b = g.input("b", 1, 8, 8, 8);
		Node c1 = g.relu("c1_relu", g.conv3d("c1", a, 4, 3));
		Node bn = g.batchNorm("bn", c1);
		Node pr = g.prelu("pr", bn);
		Node dil = g.conv3d("dil", pr, 4, cube(3), cube(1), cube(2), Op.Padding.SAME, true);
		Node res = g.add("res", pr, dil);
		Node strided = g.activation("cs_tanh", g.conv3d("cs", res, 4, cube(3), cube(2), cube(1), Op.Padding.SAME, false), Op.Activation.Function.TANH);
		Node valid = g.conv3d("cv", strided, 4, cube(3), cube(1), cube(1), Op.Padding.VALID, true);
		Node crop = g.centerCrop("crop", res, cube(8));
		Node cb = g.relu("cb_relu", g.conv3d("cb", b, 4, 3));
		Node cat = g.concat("cat", crop, cb);
		Node se = g.activation("se_sig", g.dense("se_fc", g.globalAveragePool("gap", cat), 8), Op.Activation.Function.SIGMOID);
		Node scaled = g.channelScale("scale", cat, se);
		Node central = g.centralPool("cp", scaled, cube(3));
		Node avg = g.pool("ap", scaled, Op.Pooling.AVG, cube(2), cube(2), Op.Padding.VALID);
		Node max = g.maxPool("mp", avg, 2);
		Node features = g.concat("feat", g.flatten("fl", central), g.globalMaxPool("gmp", valid), g.flatten("fl2", max));
		Node fc = g.dropout("drop", g.relu("fc_relu", g.dense("fc", features, 8)), dropout);
		return g.build(g.classifier("out", fc, output));
	}
}
