package org.nodulab.core.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Key paths into an experiment tree ({@code training.epochs}, {@code architectures[0].settings.activation}): how a
 * campaign's variants and scales and an experiment's own scales name what they change.
 */
public final class KeyPaths {

	private static final Pattern PART = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)((?:\\[\\d+])*)");
	private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

	private KeyPaths() {
	}

	/**
	 * The key among {@code keys} that set {@code path}: {@code path} itself or the longest key above it
	 * ({@code training} for {@code training.epochs}, {@code architectures[0]} for {@code architectures[0].id}).
	 *
	 * @return the key, or null when none of {@code keys} covers {@code path}
	 */
	public static String origin(String path, Iterable<String> keys) {
		String best = null;
		for (String key : keys) {
			if ((path.equals(key) || path.startsWith(key + ".") || path.startsWith(key + "[")) && (best == null || key.length() > best.length())) {
				best = key;
			}
		}
		return best;
	}

	/**
	 * Sets {@code path} in {@code tree} to {@code value}. The key must exist (write the tree with its defaults first);
	 * setting an {@code id} drops the {@code settings} beside it (another contribution: its own defaults) unless
	 * {@code allKeys} also sets those settings.
	 *
	 * @return null, or why the key names nothing in the experiment
	 */
	public static String set(ObjectNode tree, String path, JsonNode value, Set<String> allKeys) {
		List<Object> tokens;
		try {
			tokens = tokens(path);
		} catch (IllegalArgumentException e) {
			return e.getMessage();
		}
		JsonNode node = tree;
		StringBuilder at = new StringBuilder();
		for (int i = 0; i < tokens.size(); i++) {
			Object t = tokens.get(i);
			boolean last = i == tokens.size() - 1;
			if (t instanceof String field) {
				if (!(node instanceof ObjectNode o) || !o.has(field)) {
					return "names no key of the experiment: no '" + field + "'" + (at.length() == 0 ? "" : " in " + at)
							+ (node instanceof ObjectNode o2 ? "; keys there: " + fieldNames(o2) : "; " + (at.length() == 0 ? "the experiment" : at) + " is " + kind(node));
				}
				if (last) {
					o.set(field, value.deepCopy());
					if (field.equals("id") && o.has("settings") && !allKeys.contains(prefix(path) + "settings")) {
						o.remove("settings"); // another contribution: its own defaults
					}
					return null;
				}
				node = o.get(field);
				at.append(at.length() == 0 ? "" : ".").append(field);
			} else {
				int index = (Integer) t;
				if (!(node instanceof ArrayNode a) || index >= a.size()) {
					return "names no key of the experiment: " + at + (node instanceof ArrayNode a2 ? " has " + a2.size() + " entries, no [" + index + "]" : " is " + kind(node) + ", not a list");
				}
				if (last) {
					a.set(index, value.deepCopy());
					return null;
				}
				node = a.get(index);
				at.append('[').append(index).append(']');
			}
		}
		return "names no key";
	}

	/** {@code a.b[0].c} as {@code ["a", "b", 0, "c"]}. */
	public static List<Object> tokens(String path) {
		List<Object> out = new ArrayList<>();
		if (path == null || path.isBlank()) {
			throw new IllegalArgumentException("an empty key path");
		}
		for (String part : path.split("\\.", -1)) {
			Matcher m = PART.matcher(part);
			if (!m.matches()) {
				throw new IllegalArgumentException("'" + path + "' is not a key path (keys separated by '.', list entries as [0], e.g. architectures[0].settings.activation)");
			}
			out.add(m.group(1));
			Matcher idx = INDEX.matcher(m.group(2));
			while (idx.find()) {
				out.add(Integer.parseInt(idx.group(1)));
			}
		}
		return out;
	}

	private static String prefix(String path) {
		int cut = path.lastIndexOf('.');
		return cut < 0 ? "" : path.substring(0, cut + 1);
	}

	private static String kind(JsonNode node) {
		return node == null || node.isNull() ? "empty" : node.isObject() ? "a mapping" : node.isArray() ? "a list" : "a value (" + node + ")";
	}

	private static List<String> fieldNames(ObjectNode o) {
		List<String> out = new ArrayList<>();
		o.fieldNames().forEachRemaining(out::add);
		return out;
	}
}
