package org.nodulab.core.settings;

import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;

/**
 * Checks a settings object against its annotations: required keys ({@code @JsonProperty(required =
 * true)}), {@link Range}, {@link Size}, then {@link SelfValidating} rules; recurses into nested
 * settings objects, lists and maps. Property names and paths are those of the file (Jackson names).
 */
public final class SettingsValidator {

	private final ObjectMapper mapper;

	public SettingsValidator(ObjectMapper mapper) {
		this.mapper = mapper;
	}

	/** Every problem of {@code settings}; paths are prefixed with {@code pathPrefix}. */
	public List<SettingsProblem> validate(Object settings, String pathPrefix) {
		List<SettingsProblem> problems = new ArrayList<>();
		visit(settings, pathPrefix, problems, new IdentityHashMap<>());
		return problems;
	}

	private final Map<Class<?>, Object> defaults = new java.util.concurrent.ConcurrentHashMap<>();

	/**
	 * Whether a fresh instance of {@code type} has a non-null list, map or plain value for the property (so null was
	 * written in the file). Sections (settings objects) are left out: an empty section takes its defaults.
	 */
	private boolean hasDefault(Class<?> type, AnnotatedMember accessor) {
		Object fresh = defaults.computeIfAbsent(type, t -> {
			try {
				var constructor = t.getDeclaredConstructor();
				constructor.setAccessible(true);
				return constructor.newInstance();
			} catch (ReflectiveOperationException | RuntimeException e) {
				return Boolean.FALSE; // no default constructor: nothing to compare with
			}
		});
		if (fresh == Boolean.FALSE) {
			return false;
		}
		try {
			Object value = accessor.getValue(fresh);
			return value != null && !isSettingsObject(value.getClass());
		} catch (RuntimeException e) {
			return false;
		}
	}

	private void visit(Object bean, String path, List<SettingsProblem> problems, Map<Object, Boolean> seen) {
		if (bean == null || !isSettingsObject(bean.getClass()) || seen.put(bean, Boolean.TRUE) != null) {
			return;
		}
		BeanDescription description = mapper.getSerializationConfig().introspect(mapper.constructType(bean.getClass()));
		for (BeanPropertyDefinition property : description.findProperties()) {
			AnnotatedMember accessor = property.getAccessor();
			if (accessor == null) {
				continue;
			}
			AnnotatedMember annotated = property.getField() != null ? property.getField() : accessor;
			String childPath = SettingsPaths.child(path, property.getName());
			Object value = accessor.getValue(bean);
			if (value == null) {
				if (property.isRequired()) {
					problems.add(new SettingsProblem(childPath, 0, "missing required key"));
				} else if (hasDefault(bean.getClass(), accessor)) {
					// "key:" with nothing after it: code reading the settings never meets a null where a default stands
					problems.add(new SettingsProblem(childPath, 0, "needs a value (nothing follows the key; leave the key out for its default)"));
				}
				continue;
			}
			Range range = annotated.getAnnotation(Range.class);
			Size size = annotated.getAnnotation(Size.class);
			if (size != null) {
				checkSize(value, size, childPath, problems);
			}
			if (range != null) {
				checkRange(value, range, childPath, problems);
			}
			visitChildren(value, childPath, problems, seen);
		}
		if (bean instanceof SelfValidating self) {
			self.validate((relative, message) -> problems
					.add(new SettingsProblem(SettingsPaths.join(path, relative), 0, message)));
		}
	}

	private void visitChildren(Object value, String path, List<SettingsProblem> problems, Map<Object, Boolean> seen) {
		if (value instanceof Collection<?> collection) {
			int i = 0;
			for (Object element : collection) {
				if (element == null) {
					// "- " with nothing after it (or a comment): code reading the list never meets a null entry
					problems.add(new SettingsProblem(SettingsPaths.element(path, i), 0, "empty list entry: expected a value"));
				}
				visit(element, SettingsPaths.element(path, i++), problems, seen);
			}
		} else if (value instanceof Map<?, ?> map) {
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				visit(entry.getValue(), SettingsPaths.child(path, String.valueOf(entry.getKey())), problems, seen);
			}
		} else if (value.getClass().isArray() && !value.getClass().getComponentType().isPrimitive()) {
			for (int i = 0; i < Array.getLength(value); i++) {
				if (Array.get(value, i) == null) {
					problems.add(new SettingsProblem(SettingsPaths.element(path, i), 0, "empty list entry: expected a value"));
				}
				visit(Array.get(value, i), SettingsPaths.element(path, i), problems, seen);
			}
		} else {
			visit(value, path, problems, seen);
		}
	}

	private static void checkSize(Object value, Size size, String path, List<SettingsProblem> problems) {
		int n;
		String unit;
		if (value instanceof Collection<?> c) {
			n = c.size();
			unit = "entries";
		} else if (value.getClass().isArray()) {
			n = Array.getLength(value);
			unit = "entries";
		} else if (value instanceof CharSequence s) {
			n = s.length();
			unit = "characters";
		} else {
			return;
		}
		if (n < size.min() || n > size.max()) {
			String allowed = size.min() == size.max() ? "exactly " + size.min()
					: size.max() == Integer.MAX_VALUE ? "at least " + size.min()
							: "between " + size.min() + " and " + size.max();
			problems.add(new SettingsProblem(path, 0, "must have " + allowed + " " + unit + ", has " + n));
		}
	}

	private static void checkRange(Object value, Range range, String path, List<SettingsProblem> problems) {
		if (value instanceof Number number) {
			checkNumber(number, range, path, problems);
		} else if (value instanceof Collection<?> c) {
			int i = 0;
			for (Object element : c) {
				if (element instanceof Number number) {
					checkNumber(number, range, SettingsPaths.element(path, i), problems);
				}
				i++;
			}
		} else if (value.getClass().isArray()) {
			for (int i = 0; i < Array.getLength(value); i++) {
				if (Array.get(value, i) instanceof Number number) {
					checkNumber(number, range, SettingsPaths.element(path, i), problems);
				}
			}
		}
	}

	private static void checkNumber(Number number, Range range, String path, List<SettingsProblem> problems) {
		double v = number.doubleValue();
		boolean below = range.minExclusive() ? v <= range.min() : v < range.min();
		boolean above = range.maxExclusive() ? v >= range.max() : v > range.max();
		// a bound on one side only never lets Infinity through on the other (.inf in YAML, 1e400)
		if (Double.isInfinite(v) || Double.isNaN(v)) {
			problems.add(new SettingsProblem(path, 0, "must be a finite number (" + describe(range) + "), got " + format(number)));
		} else if (below || above) {
			problems.add(new SettingsProblem(path, 0, "must be " + describe(range) + ", got " + format(number)));
		}
	}

	/** "between 0 (excluded) and 1", "at least 1", "at most 10". */
	public static String describe(Range range) {
		boolean hasMin = range.min() != Double.NEGATIVE_INFINITY;
		boolean hasMax = range.max() != Double.POSITIVE_INFINITY;
		String min = format(range.min()) + (range.minExclusive() ? " (excluded)" : "");
		String max = format(range.max()) + (range.maxExclusive() ? " (excluded)" : "");
		if (hasMin && hasMax) {
			return "between " + min + " and " + max;
		}
		if (hasMin) {
			return range.minExclusive() ? "greater than " + format(range.min()) : "at least " + min;
		}
		if (hasMax) {
			return range.maxExclusive() ? "less than " + format(range.max()) : "at most " + max;
		}
		return "a number";
	}

	private static String format(Number n) {
		double d = n.doubleValue();
		if (Double.isInfinite(d) || Double.isNaN(d)) {
			return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
		}
		if (d == Math.rint(d) && Math.abs(d) < 1e15) {
			return String.valueOf((long) d);
		}
		return String.format(Locale.ROOT, "%s", d);
	}

	private static boolean isSettingsObject(Class<?> type) {
		return !(type.isPrimitive() || type.isEnum() || type.isArray() || Number.class.isAssignableFrom(type)
				|| CharSequence.class.isAssignableFrom(type) || type == Boolean.class
				|| JsonNode.class.isAssignableFrom(type) || Path.class.isAssignableFrom(type)
				|| type.getName().startsWith("java."));
	}
}
