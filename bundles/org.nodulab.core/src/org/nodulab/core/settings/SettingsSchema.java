package org.nodulab.core.settings;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.nodulab.core.experiment.ContributionRef;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * What a settings class offers, read from the class itself (public fields, Jackson annotations,
 * {@link Range}, {@link Size}): the keys, their kinds, defaults, descriptions and bounds. The source of
 * generated editors and of the settings tables in the catalogue, so they can never disagree with what the
 * validator accepts.
 */
public final class SettingsSchema {

	/** How a value is edited. */
	public enum Kind {
		BOOLEAN, INTEGER, NUMBER, TEXT, ENUM,
		/** A list of numbers or texts. */
		LIST,
		/** A nested settings object. */
		OBJECT,
		/** A list of contributions (id + settings), e.g. the experiment's architectures. */
		CONTRIBUTIONS,
		/** Anything else (lists of objects, free trees): edited as inline YAML. */
		YAML
	}

	/**
	 * One key.
	 *
	 * @param type the field's class; for {@link Kind#OBJECT} the nested settings class, for
	 *        {@link Kind#CONTRIBUTIONS} the reference class, for {@link Kind#LIST} the element class
	 * @param defaultValue the value of a new settings object (missing when none)
	 * @param options the allowed values of an enum (lower case, as written)
	 */
	public record Key(String name, Kind kind, Class<?> type, JsonNode defaultValue, String description, String bounds,
			boolean required, List<String> options) {
	}

	private SettingsSchema() {
	}

	/** The keys of a settings class in file order ({@link JsonPropertyOrder} first, then declaration order). */
	public static List<Key> keys(Class<?> type, SettingsCodec codec) {
		JsonNode defaults = defaults(type, codec);
		List<Field> fields = new ArrayList<>();
		for (Field f : type.getFields()) {
			if (!Modifier.isStatic(f.getModifiers()) && f.getAnnotation(JsonIgnore.class) == null) {
				fields.add(f);
			}
		}
		JsonPropertyOrder order = type.getAnnotation(JsonPropertyOrder.class);
		List<String> ordered = order == null ? List.of() : Arrays.asList(order.value());
		List<Field> sorted = new ArrayList<>();
		for (String name : ordered) {
			fields.stream().filter(f -> name(f).equals(name)).findFirst().ifPresent(sorted::add);
		}
		// declaration order of the class, superclass fields first
		List<Class<?>> chain = new ArrayList<>();
		for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
			chain.add(0, c);
		}
		for (Class<?> c : chain) {
			for (Field declared : c.getDeclaredFields()) {
				fields.stream().filter(f -> f.equals(declared) && !sorted.contains(f)).findFirst().ifPresent(sorted::add);
			}
		}
		List<Key> keys = new ArrayList<>();
		for (Field f : sorted) {
			keys.add(key(f, defaults.path(name(f))));
		}
		return keys;
	}

	private static JsonNode defaults(Class<?> type, SettingsCodec codec) {
		try {
			return codec.toTree(type.getConstructor().newInstance());
		} catch (ReflectiveOperationException | RuntimeException e) {
			return MissingNode.getInstance();
		}
	}

	private static String name(Field f) {
		JsonProperty p = f.getAnnotation(JsonProperty.class);
		return p != null && !p.value().isEmpty() ? p.value() : f.getName();
	}

	private static Key key(Field f, JsonNode defaultValue) {
		Class<?> t = f.getType();
		JsonPropertyDescription d = f.getAnnotation(JsonPropertyDescription.class);
		JsonProperty p = f.getAnnotation(JsonProperty.class);
		String description = d == null ? "" : d.value();
		boolean required = p != null && p.required();
		String bounds = bounds(f);
		List<String> options = List.of();
		Kind kind;
		Class<?> type = t;
		if (t == boolean.class || t == Boolean.class) {
			kind = Kind.BOOLEAN;
		} else if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
			kind = Kind.INTEGER;
		} else if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
			kind = Kind.NUMBER;
		} else if (t == String.class) {
			kind = Kind.TEXT;
		} else if (t.isEnum()) {
			kind = Kind.ENUM;
			options = Arrays.stream(t.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).toList();
		} else if (List.class.isAssignableFrom(t)) {
			Class<?> element = element(f.getGenericType());
			type = element;
			if (element != null && ContributionRef.class.isAssignableFrom(element)) {
				kind = Kind.CONTRIBUTIONS;
			} else if (element != null && (Number.class.isAssignableFrom(element) || element == String.class)) {
				kind = Kind.LIST;
			} else {
				kind = Kind.YAML;
			}
		} else if (JsonNode.class.isAssignableFrom(t) || t.isArray() || java.util.Map.class.isAssignableFrom(t) || t.getName().startsWith("java.")) {
			kind = Kind.YAML;
		} else {
			kind = Kind.OBJECT;
		}
		return new Key(name(f), kind, type, defaultValue, description, bounds, required, options);
	}

	private static Class<?> element(Type generic) {
		if (generic instanceof ParameterizedType pt && pt.getActualTypeArguments().length == 1
				&& pt.getActualTypeArguments()[0] instanceof Class<?> c) {
			return c;
		}
		return null;
	}

	private static String bounds(Field f) {
		StringBuilder b = new StringBuilder();
		Range r = f.getAnnotation(Range.class);
		if (r != null) {
			if (r.min() != Double.NEGATIVE_INFINITY) {
				b.append(r.minExclusive() ? "> " : ">= ").append(number(r.min()));
			}
			if (r.max() != Double.POSITIVE_INFINITY) {
				b.append(b.isEmpty() ? "" : ", ").append(r.maxExclusive() ? "< " : "<= ").append(number(r.max()));
			}
		}
		Size s = f.getAnnotation(Size.class);
		if (s != null) {
			b.append(b.isEmpty() ? "" : ", ").append("size ").append(s.min()).append("..").append(s.max() == Integer.MAX_VALUE ? "" : s.max());
		}
		return b.toString();
	}

	private static String number(double v) {
		return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
	}
}
