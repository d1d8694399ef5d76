package org.nodulab.core.settings;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Changes one value of a YAML document in its text, so that the rest of the text (comments, layout, key
 * order) stays as the author wrote it: what a form editor needs. A key on its own line
 * ({@code  learningRate: 0.001  # note}) or inside a one-line flow mapping ({@code training: {epochs: 2}})
 * gets its value replaced; a key on its own line can be removed. Every edit is checked by parsing the
 * result and comparing it with the intended tree; anything else is refused (empty), and the caller
 * writes the whole document instead.
 */
public final class YamlTextEdit {

	private static final ObjectMapper JSON = new ObjectMapper();
	private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./+-]*");

	private YamlTextEdit() {
	}

	/**
	 * The text with the value at {@code path} set to {@code value} (null: the key removed), if that can be
	 * done in place and the result parses to {@code expected}.
	 */
	public static Optional<String> set(SettingsCodec codec, String text, String path, JsonNode value, JsonNode expected) {
		SettingsCodec.Document before;
		try {
			before = codec.parse("edit", text);
		} catch (SettingsException e) {
			return Optional.empty();
		}
		int lineNumber = before.lines().lineOf(path);
		String key = lastKey(path);
		if (lineNumber <= 0 || key == null) {
			return Optional.empty();
		}
		String[] lines = text.split("\n", -1);
		if (lineNumber > lines.length) {
			return Optional.empty();
		}
		String line = lines[lineNumber - 1];
		String edited;
		Matcher block = Pattern.compile("^(\\s*(?:-\\s+)?)" + Pattern.quote(key) + ":(\\s*)([^#]*?)(\\s+#.*)?$").matcher(line);
		if (block.matches() && !block.group(3).isEmpty() && !block.group(3).startsWith("{")) {
			if (value == null) {
				if (!block.group(1).strip().isEmpty()) {
					return Optional.empty(); // the first key of a list item
				}
				edited = null;
			} else {
				edited = block.group(1) + key + ":" + (block.group(2).isEmpty() ? " " : block.group(2)) + render(value)
						+ (block.group(4) == null ? "" : block.group(4));
			}
		} else {
			if (value == null) {
				return Optional.empty();
			}
			Matcher flow = Pattern.compile("([{,]\\s*)" + Pattern.quote(key) + ":(\\s*)(\\[[^\\]]*\\]|[^,}\\[#]*?)(\\s*[,}])").matcher(line);
			if (!flow.find()) {
				return Optional.empty();
			}
			edited = line.substring(0, flow.start()) + flow.group(1) + key + ":" + (flow.group(2).isEmpty() ? " " : flow.group(2)) + render(value)
					+ flow.group(4) + line.substring(flow.end());
		}
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < lines.length; i++) {
			String l = i == lineNumber - 1 ? edited : lines[i];
			if (l == null) {
				continue;
			}
			out.append(l);
			if (i < lines.length - 1) {
				out.append('\n');
			}
		}
		String result = out.toString();
		try {
			if (!codec.parse("edit", result).root().equals(expected)) {
				return Optional.empty();
			}
		} catch (SettingsException e) {
			return Optional.empty();
		}
		return Optional.of(result);
	}

	/** A value as YAML on one line: plain scalars, JSON-quoted text where plain would change its meaning, flow collections. */
	static String render(JsonNode value) {
		if (value.isTextual()) {
			String s = value.asText();
			boolean plain = PLAIN.matcher(s).matches() && !s.matches("(?i)true|false|yes|no|on|off|null|~");
			return plain ? s : json(value);
		}
		if (value.isValueNode()) {
			return value.asText();
		}
		if (value.isArray()) {
			StringBuilder b = new StringBuilder("[");
			for (int i = 0; i < value.size(); i++) {
				b.append(i == 0 ? "" : ", ").append(render(value.get(i)));
			}
			return b.append(']').toString();
		}
		return json(value);
	}

	private static String json(JsonNode value) {
		try {
			return JSON.writeValueAsString(value);
		} catch (JsonProcessingException e) {
			throw new IllegalStateException(e);
		}
	}

	private static String lastKey(String path) {
		if (path.endsWith("]")) {
			return null;
		}
		int dot = path.lastIndexOf('.');
		String k = dot < 0 ? path : path.substring(dot + 1);
		return k.contains("[") ? null : k;
	}
}
