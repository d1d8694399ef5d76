package org.nodulab.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Initialises a network from a trained one: every parameter array whose name and shape match is
 * copied; the others keep their fresh values. The notebook fine-tuned its 10^3 and 40^3 models from
 * the 20^3 one this way (layer names do not depend on patch sizes, so all convolutions transfer and
 * only size-dependent layers, e.g. a dense layer after flattening, are dropped).
 */
public final class Transfer {

	/** What was copied, what the target has that the source lacks or has in another shape, and what the source had that was not used. */
	public record Report(List<String> copied, List<String> kept, List<String> dropped) {

		@Override
		public String toString() {
			return "transfer: copied " + copied.size() + " arrays, kept " + kept.size() + " fresh (" + String.join(", ", kept)
					+ "), dropped " + dropped.size() + " of the source (" + String.join(", ", dropped) + ")";
		}
	}

	private Transfer() {
	}

	public static Report copy(TrainableNetwork source, TrainableNetwork target) {
		Map<String, Tensor> from = source.parameters();
		Map<String, Tensor> to = target.parameters();
		Map<String, Tensor> copy = new LinkedHashMap<>();
		List<String> kept = new ArrayList<>();
		for (Map.Entry<String, Tensor> e : to.entrySet()) {
			Tensor t = from.get(e.getKey());
			if (t != null && t.sameShape(e.getValue())) {
				copy.put(e.getKey(), t);
			} else {
				kept.add(e.getKey() + (t == null ? "" : " " + t + " -> " + e.getValue()));
			}
		}
		List<String> dropped = from.keySet().stream().filter(k -> !copy.containsKey(k)).toList();
		target.setParameters(copy);
		return new Report(List.copyOf(copy.keySet()), List.copyOf(kept), dropped);
	}
}
