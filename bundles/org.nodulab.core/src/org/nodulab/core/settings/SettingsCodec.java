package org.nodulab.core.settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads and writes settings and experiment files (YAML; JSON is valid YAML) with strict rules: unknown
 * keys, values of the wrong type and out-of-range values are errors that name the file, the line, the
 * key path and what is allowed. Settings classes (public fields, Jackson annotations, {@link Range},
 * {@link Size}) are the single source of these rules.
 */
public final class SettingsCodec {

	private final YAMLMapper mapper;
	private final SettingsValidator validator;

	public SettingsCodec() {
		YAMLFactory factory = YAMLFactory.builder()
				.disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
				.enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
				.enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
				.enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
				.build();
		mapper = YAMLMapper.builder(factory)
				.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
				.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
				.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
				.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
				.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
				.enable(DeserializationFeature.ACCEPT_EMPTY_STRING_AS_NULL_OBJECT)
				.enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
				.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
				.enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
				.serializationInclusion(JsonInclude.Include.NON_NULL)
				.build();
		// YAML 1.1 reads "1e-3" as text; accept text that is a valid number where a number is expected.
		mapper.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
		validator = new SettingsValidator(mapper);
	}

	/** The configured mapper, for callers that need tree access. */
	public ObjectMapper mapper() {
		return mapper;
	}

	/** A document read from a file: its tree and where each key stands. */
	public record Document(String source, JsonNode root, YamlLineIndex lines) {
	}

	/**
	 * Parses a YAML file into a tree.
	 *
	 * @throws SettingsException when the file is missing or is not well-formed YAML (with the line)
	 */
	public Document parse(Path file) throws SettingsException {
		String source = file.toString();
		String content;
		try {
			content = Files.readString(file, StandardCharsets.UTF_8);
		} catch (NoSuchFileException e) {
			throw new SettingsException(source, List.of(new SettingsProblem("", 0, "file does not exist")));
		} catch (IOException e) {
			throw new SettingsException(source, List.of(new SettingsProblem("", 0, "cannot read: " + e)));
		}
		return parse(source, content);
	}

	/** Parses YAML text; {@code source} names it in messages. */
	public Document parse(String source, String content) throws SettingsException {
		JsonNode root;
		try {
			root = mapper.readTree(content);
		} catch (JsonProcessingException e) {
			JsonLocation at = e.getLocation();
			throw new SettingsException(source, List.of(new SettingsProblem("", at == null ? 0 : at.getLineNr(),
					"not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""))));
		}
		if (root == null || root.isMissingNode() || root.isNull()) {
			root = mapper.createObjectNode();
		}
		return new Document(source, root, YamlLineIndex.of(mapper.getFactory(), content));
	}

	/**
	 * Reads and validates a settings file.
	 *
	 * @throws SettingsException listing every problem found
	 */
	public <T> T read(Path file, Class<T> type) throws SettingsException {
		Document document = parse(file);
		List<SettingsProblem> problems = new ArrayList<>();
		T value = convert(document.root(), type, "", problems);
		throwIfAny(document, problems);
		return value;
	}

	/**
	 * Converts a (sub)tree to a settings object and validates it, adding problems (paths prefixed with
	 * {@code pathPrefix}, lines not yet set) to {@code problems}.
	 *
	 * @return the settings, or {@code null} when the tree could not be converted at all
	 */
	public <T> T convert(JsonNode node, Class<T> type, String pathPrefix, List<SettingsProblem> problems) {
		JsonNode tree = node == null || node.isNull() || node.isMissingNode() ? mapper.createObjectNode() : node;
		UnknownKeyCollector unknownKeys = new UnknownKeyCollector(pathPrefix);
		List<SettingsProblem> typeProblems = new ArrayList<>();
		tree = tree.deepCopy();
		if (!new TypeChecker(mapper, typeProblems).check(tree, mapper.constructType(type), pathPrefix)) {
			problems.addAll(typeProblems);
			return null;
		}
		problems.addAll(typeProblems);
		T value;
		try {
			value = mapper.readerFor(type).withHandler(unknownKeys).readValue(tree);
		} catch (JsonMappingException e) {
			problems.addAll(unknownKeys.problems);
			problems.add(describe(e, tree, type, pathPrefix));
			return null;
		} catch (IOException e) {
			problems.addAll(unknownKeys.problems);
			problems.add(new SettingsProblem(pathPrefix, 0, e.getMessage()));
			return null;
		}
		problems.addAll(unknownKeys.problems);
		if (value != null) {
			java.util.Set<String> mistyped = new java.util.HashSet<>();
			typeProblems.forEach(p -> mistyped.add(p.path()));
			validator.validate(value, pathPrefix).stream().filter(p -> !mistyped.contains(p.path()))
					.forEach(problems::add);
		}
		return value;
	}

	/** Sets each problem's line from the document and throws when there is any. */
	public void throwIfAny(Document document, List<SettingsProblem> problems) throws SettingsException {
		if (!problems.isEmpty()) {
			List<SettingsProblem> located = problems.stream()
					.map(p -> p.line() > 0 ? p : p.withLine(document.lines().lineOf(p.path())))
					.sorted(java.util.Comparator.comparingInt((SettingsProblem p) -> p.line() == 0 ? Integer.MAX_VALUE : p.line()))
					.toList();
			throw new SettingsException(document.source(), located);
		}
	}

	/** Validates an object built in code (ranges, sizes, required keys, cross-field rules). */
	public List<SettingsProblem> validate(Object settings) {
		return validator.validate(settings, "");
	}

	/** YAML text of a settings object. */
	public String toYaml(Object settings) {
		try {
			return mapper.writeValueAsString(settings);
		} catch (JsonProcessingException e) {
			throw new IllegalStateException("cannot write settings " + settings.getClass().getName(), e);
		}
	}

	/** Tree of a settings object. */
	public JsonNode toTree(Object settings) {
		return mapper.valueToTree(settings);
	}

	private SettingsProblem describe(JsonMappingException e, JsonNode tree, Class<?> rootType, String prefix) {
		String relative = SettingsPaths.of(e.getPath());
		String path = SettingsPaths.join(prefix, relative);
		if (e instanceof UnrecognizedPropertyException u) {
			return new SettingsProblem(path, 0, unknownKeyMessage(u.getPropertyName(), u.getKnownPropertyIds()));
		}
		if (e instanceof InvalidFormatException f) {
			return new SettingsProblem(path, 0,
					"expected " + describeType(f.getTargetType()) + ", got " + describeValue(f.getValue()));
		}
		if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
			JsonNode found = at(tree, e.getPath());
			String got = found.isMissingNode() ? "" : ", got " + describeNode(found);
			if (m.getTargetType() == rootType && e.getPath().isEmpty() && !tree.isObject()) {
				return new SettingsProblem(path, 0, "expected a mapping of settings" + got);
			}
			return new SettingsProblem(path, 0, "expected " + describeType(m.getTargetType()) + got);
		}
		String message = e.getOriginalMessage();
		return new SettingsProblem(path, 0, message == null ? e.toString() : message.lines().findFirst().orElse(""));
	}

	private static JsonNode at(JsonNode root, List<JsonMappingException.Reference> path) {
		JsonNode node = root;
		for (JsonMappingException.Reference r : path) {
			if (node == null) {
				return MissingNode.getInstance();
			}
			node = r.getFieldName() != null ? node.get(r.getFieldName()) : node.get(r.getIndex());
		}
		return node == null ? MissingNode.getInstance() : node;
	}

	static String unknownKeyMessage(String key, Collection<Object> known) {
		String allowed = known == null ? ""
				: known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
		return "unknown key '" + key + "'" + (allowed.isEmpty() ? "" : "; allowed keys: " + allowed);
	}

	/** Describes what a Java type accepts, in the words of a YAML user. */
	public static String describeType(Class<?> type) {
		if (type == null) {
			return "a value";
		}
		if (type == int.class || type == Integer.class || type == long.class || type == Long.class
				|| type == short.class || type == Short.class) {
			return "a whole number";
		}
		if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
			return "a number";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "true or false";
		}
		if (type == String.class) {
			return "text";
		}
		if (type.isEnum()) {
			return "one of " + Arrays.stream(type.getEnumConstants())
					.map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
		}
		if (type.isArray() || Collection.class.isAssignableFrom(type)) {
			return "a list";
		}
		if (Map.class.isAssignableFrom(type) || !type.getName().startsWith("java.")) {
			return "a mapping of keys to values";
		}
		return "a value of type " + type.getSimpleName();
	}

	private static String describeValue(Object value) {
		return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
	}

	/** "a mapping", "a list", 'text' or the value. */
	static String describeNode(JsonNode node) {
		if (node.isObject()) {
			return "a mapping";
		}
		if (node.isArray()) {
			return "a list";
		}
		if (node.isTextual()) {
			return "'" + node.asText() + "'";
		}
		return node.toString();
	}

	/** Records unknown keys and keeps going, so one pass reports all of them. */
	private static final class UnknownKeyCollector extends DeserializationProblemHandler {
		private final String prefix;
		final List<SettingsProblem> problems = new ArrayList<>();

		UnknownKeyCollector(String prefix) {
			this.prefix = prefix;
		}

		@Override
		public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
				JsonDeserializer<?> deserializer, Object beanOrClass, String propertyName) throws IOException {
			String container = SettingsPaths.ofContainer(p.getParsingContext());
			String path = SettingsPaths.join(prefix, SettingsPaths.child(container, propertyName));
			problems.add(new SettingsProblem(path, 0,
					unknownKeyMessage(propertyName, deserializer.getKnownPropertyNames())));
			p.skipChildren();
			return true;
		}
	}
}
