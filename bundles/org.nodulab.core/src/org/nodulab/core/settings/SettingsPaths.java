package org.nodulab.core.settings;

import java.util.List;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;

/** Builds key paths in the form {@code a.b[2].c}. */
final class SettingsPaths {

	private SettingsPaths() {
	}

	static String child(String parent, String key) {
		return parent.isEmpty() ? key : parent + "." + key;
	}

	static String element(String parent, int index) {
		return parent + "[" + index + "]";
	}

	static String join(String prefix, String relative) {
		if (prefix.isEmpty()) {
			return relative;
		}
		if (relative.isEmpty()) {
			return prefix;
		}
		return relative.startsWith("[") ? prefix + relative : prefix + "." + relative;
	}

	static String of(List<JsonMappingException.Reference> references) {
		String path = "";
		for (JsonMappingException.Reference r : references) {
			if (r.getFieldName() != null) {
				path = child(path, r.getFieldName());
			} else if (r.getIndex() >= 0) {
				path = element(path, r.getIndex());
			}
		}
		return path;
	}

	/** Path of the container the parser is in, not including its current field name. */
	static String ofContainer(JsonStreamContext context) {
		if (context == null || context.inRoot()) {
			return "";
		}
		JsonStreamContext parent = context.getParent();
		String parentPath = ofContainer(parent);
		if (parent == null || parent.inRoot()) {
			return parentPath;
		}
		if (parent.inArray()) {
			return element(parentPath, parent.getCurrentIndex());
		}
		return parent.getCurrentName() == null ? parentPath : child(parentPath, parent.getCurrentName());
	}
}
