package org.nodulab.nn.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * A graph as JSON, for tools outside the JVM (the PyTorch twin of {@code nodulab bench train}, future
 * backends): every node in topological order with its name, op type, the op's attributes, its inputs,
 * its output shape and parameter count.
 */
public final class GraphJson {

	private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

	private GraphJson() {
	}

	public static String write(NetworkGraph graph) {
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("name", graph.name());
		root.put("parameters", graph.parameterCount());
		root.put("inputs", graph.inputs().stream().map(Node::name).toList());
		root.put("output", graph.output().name());
		List<Map<String, Object>> nodes = new ArrayList<>();
		for (Node n : graph.nodes()) {
			Map<String, Object> node = new LinkedHashMap<>();
			node.put("name", n.name());
			node.put("type", n.op().type());
			@SuppressWarnings("unchecked")
			Map<String, Object> attributes = MAPPER.convertValue(n.op(), Map.class);
			if (n.op() instanceof Op.CentralPool c) {
				List<List<Integer>> bins = new ArrayList<>();
				int[] in = n.inputs().get(0).shape().spatial();
				for (int a = 0; a < 3; a++) {
					bins.add(java.util.Arrays.stream(Op.CentralPool.bins(in[a], c.output()[a])).boxed().toList());
				}
				attributes.put("bins", bins);
			}
			if (n.op() instanceof Op.CenterCrop c) {
				attributes.put("before", c.before(n.inputs().get(0).shape()));
			}
			node.put("attributes", attributes);
			node.put("inputs", n.inputs().stream().map(Node::name).toList());
			node.put("shape", n.shape().dims());
			node.put("parameters", n.parameters());
			nodes.add(node);
		}
		root.put("nodes", nodes);
		try {
			return MAPPER.writeValueAsString(root);
		} catch (JsonProcessingException e) {
			throw new IllegalStateException("cannot write graph " + graph.name() + " as JSON", e);
		}
	}
}
