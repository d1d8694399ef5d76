package org.nodulab.core.settings;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Where each key of a YAML or JSON document stands: key path to 1-based line. Lets every problem,
 * including those found after parsing (ranges, unknown contributions), name its line.
 */
public final class YamlLineIndex {

	private final Map<String, Integer> lines;

	private YamlLineIndex(Map<String, Integer> lines) {
		this.lines = lines;
	}

	/** An index that knows no lines. */
	public static YamlLineIndex empty() {
		return new YamlLineIndex(Map.of());
	}

	/** Indexes a document; a document that does not parse yields a partial index. */
	public static YamlLineIndex of(JsonFactory factory, String content) {
		Map<String, Integer> lines = new HashMap<>();
		Deque<Frame> stack = new ArrayDeque<>();
		try (JsonParser p = factory.createParser(content)) {
			JsonToken t;
			while ((t = p.nextToken()) != null) {
				int line = p.currentTokenLocation().getLineNr();
				Frame top = stack.peek();
				switch (t) {
				case FIELD_NAME -> {
					top.lastKey = SettingsPaths.child(top.path, p.currentName());
					lines.putIfAbsent(top.lastKey, line);
				}
				case START_OBJECT, START_ARRAY -> {
					String path = top == null ? "" : top.valuePath();
					lines.putIfAbsent(path, line);
					stack.push(new Frame(path, t == JsonToken.START_ARRAY));
				}
				case END_OBJECT, END_ARRAY -> stack.pop();
				default -> {
					if (top != null) {
						lines.putIfAbsent(top.valuePath(), line);
					}
				}
				}
			}
		} catch (IOException | RuntimeException e) {
			// keep what was indexed before the syntax error; the parse error reports its own line
		}
		return new YamlLineIndex(lines);
	}

	/** Line of the key, or of its nearest enclosing key that exists in the document, or 0. */
	public int lineOf(String path) {
		String p = path;
		while (true) {
			Integer line = lines.get(p);
			if (line != null) {
				return line;
			}
			if (p.isEmpty()) {
				return 0;
			}
			int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
			p = cut < 0 ? "" : p.substring(0, cut);
		}
	}

	private static final class Frame {
		final String path;
		final boolean array;
		int index;
		String lastKey;

		Frame(String path, boolean array) {
			this.path = path;
			this.array = array;
		}

		String valuePath() {
			return array ? SettingsPaths.element(path, index++) : lastKey;
		}
	}
}
