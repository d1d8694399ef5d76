package org.nodulab.core.settings;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Checks the scalar types of a settings tree against the settings class before Jackson binds it,
 * guided by Jackson's own view of the class (property names, declared types). Jackson stops at the
 * first value of the wrong type; this reports each of them and removes it from the tree, so binding
 * goes on with the default and one pass finds every problem. Unknown keys are left for Jackson's
 * problem handler.
 */
final class TypeChecker {

	private final ObjectMapper mapper;
	private final List<SettingsProblem> problems;

	TypeChecker(ObjectMapper mapper, List<SettingsProblem> problems) {
		this.mapper = mapper;
		this.problems = problems;
	}

	/** Returns false when {@code node} does not fit {@code type} at all (the caller drops it). */
	boolean check(JsonNode node, JavaType type, String path) {
		// YAML "key:" with no value: absent (the default) for anything but text
		boolean empty = node != null && node.isTextual() && node.asText().isEmpty() && type.getRawClass() != String.class;
		if (node == null || node.isNull() || node.isMissingNode() || empty) {
			if (type.isPrimitive()) {
				return fail(path, type, "nothing");
			}
			return true;
		}
		Class<?> raw = type.getRawClass();
		if (JsonNode.class.isAssignableFrom(raw) || raw == Object.class) {
			return true;
		}
		if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class || raw == short.class
				|| raw == Short.class) {
			boolean fits = node.isIntegralNumber() && (raw == long.class || raw == Long.class || node.canConvertToInt());
			return fits || fail(path, type, SettingsCodec.describeNode(node));
		}
		if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
			return node.isNumber() || node.isTextual() && isNumber(node.asText()) || fail(path, type, SettingsCodec.describeNode(node));
		}
		if (raw == boolean.class || raw == Boolean.class) {
			return node.isBoolean() || fail(path, type, SettingsCodec.describeNode(node));
		}
		if (raw == String.class) {
			return node.isValueNode() || fail(path, type, SettingsCodec.describeNode(node));
		}
		if (raw.isEnum()) {
			if (node.isTextual()) {
				String text = node.asText().toLowerCase(Locale.ROOT);
				for (Object constant : raw.getEnumConstants()) {
					if (((Enum<?>) constant).name().toLowerCase(Locale.ROOT).equals(text)) {
						return true;
					}
				}
			}
			return fail(path, type, SettingsCodec.describeNode(node));
		}
		if (type.isArrayType() || type.isCollectionLikeType()) {
			if (!node.isArray()) {
				return fail(path, type, SettingsCodec.describeNode(node));
			}
			JavaType content = type.getContentType();
			ArrayNode array = (ArrayNode) node;
			List<Integer> bad = new ArrayList<>();
			for (int i = 0; i < array.size(); i++) {
				if (!check(array.get(i), content, SettingsPaths.element(path, i))) {
					bad.add(i);
				}
			}
			for (int i = bad.size() - 1; i >= 0; i--) {
				array.remove(bad.get(i).intValue());
			}
			return true;
		}
		if (type.isMapLikeType()) {
			if (!node.isObject()) {
				return fail(path, type, SettingsCodec.describeNode(node));
			}
			Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
			while (fields.hasNext()) {
				Map.Entry<String, JsonNode> field = fields.next();
				if (!check(field.getValue(), type.getContentType(), SettingsPaths.child(path, field.getKey()))) {
					fields.remove();
				}
			}
			return true;
		}
		if (raw.getName().startsWith("java.")) {
			return true; // leave other JDK types (Path, ...) to Jackson
		}
		if (!node.isObject()) {
			return fail(path, type, SettingsCodec.describeNode(node));
		}
		BeanDescription bean = mapper.getDeserializationConfig().introspect(type);
		ObjectNode object = (ObjectNode) node;
		for (BeanPropertyDefinition property : bean.findProperties()) {
			JsonNode value = object.get(property.getName());
			if (value != null && property.couldDeserialize()
					&& !check(value, property.getPrimaryType(), SettingsPaths.child(path, property.getName()))) {
				object.remove(property.getName());
			}
		}
		return true;
	}

	private boolean fail(String path, JavaType type, String got) {
		problems.add(new SettingsProblem(path, 0, "expected " + SettingsCodec.describeType(type.getRawClass()) + ", got " + got));
		return false;
	}

	private static boolean isNumber(String text) {
		try {
			Double.parseDouble(text.trim());
			return !text.isBlank();
		} catch (NumberFormatException e) {
			return false;
		}
	}
}
