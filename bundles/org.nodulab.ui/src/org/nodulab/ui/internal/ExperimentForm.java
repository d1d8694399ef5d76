package org.nodulab.ui.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.eclipse.jface.fieldassist.ControlDecoration;
import org.eclipse.jface.fieldassist.FieldDecorationRegistry;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.ScrolledComposite;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.registry.ContributionCatalog;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionRegistry;
import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.core.settings.SettingsProblem;
import org.nodulab.core.settings.SettingsSchema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The experiment editor's form, generated from the settings classes: a group per section of
 * {@link Experiment}, a field per key (text, choice, list, inline YAML) with the default as a hint and the
 * description and bounds as a tooltip; contribution lists (architectures, augmentations, evaluators) with
 * an id choice, the chosen contribution's own settings, add and remove. It edits the parsed YAML tree:
 * an empty field removes the key (the default applies). Validation problems are shown as markers on the
 * fields they name.
 */
final class ExperimentForm {

	/** Told after each edit ({@code structural}: the form was rebuilt, e.g. an architecture added). */
	interface Listener {
		void edited(String path, boolean structural);
	}

	private static final String DEFAULT_CHOICE = "(default)";
	private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
	private static final ObjectMapper FLOW = new ObjectMapper();
	private static final ObjectMapper YAML_TREES = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

	private final ScrolledComposite scroller;
	private final Composite body;
	private final Label problemsLabel;
	private final SettingsCodec codec;
	private final ContributionCatalog catalog;
	private final Listener listener;
	private final Map<String, Control> fields = new LinkedHashMap<>();
	private final Map<String, Control> sections = new LinkedHashMap<>();
	private final List<ControlDecoration> decorations = new ArrayList<>();
	private final Map<Control, String> problemText = new LinkedHashMap<>();
	private ObjectNode root;
	private boolean updating;

	ExperimentForm(Composite parent, SettingsCodec codec, ContributionCatalog catalog, Listener listener) {
		this.codec = codec;
		this.catalog = catalog;
		this.listener = listener;
		Composite outer = new Composite(parent, SWT.NONE);
		GridLayoutFactory.fillDefaults().applyTo(outer);
		problemsLabel = new Label(outer, SWT.WRAP);
		problemsLabel.setForeground(parent.getDisplay().getSystemColor(SWT.COLOR_DARK_RED));
		GridDataFactory.fillDefaults().grab(true, false).applyTo(problemsLabel);
		scroller = new ScrolledComposite(outer, SWT.V_SCROLL | SWT.H_SCROLL);
		GridDataFactory.fillDefaults().grab(true, true).applyTo(scroller);
		scroller.setExpandHorizontal(true);
		body = new Composite(scroller, SWT.NONE);
		GridLayoutFactory.fillDefaults().numColumns(2).equalWidth(true).margins(6, 6).applyTo(body);
		scroller.setContent(body);
	}

	Control control() {
		return scroller.getParent();
	}

	/** Shows (and from now on edits) this tree. */
	void setInput(ObjectNode tree) {
		root = tree;
		rebuild();
	}

	/** The field of a key path, e.g. {@code training.learningRate} or {@code architectures[0].settings.filters}. */
	Optional<Control> field(String path) {
		return Optional.ofNullable(fields.get(path));
	}

	/** Scrolls to the field and focuses it. */
	void reveal(String path) {
		Control c = closest(path);
		if (c != null) {
			scroller.showControl(c);
			c.setFocus();
		}
	}

	/** Every field's key path. */
	List<String> paths() {
		return List.copyOf(fields.keySet());
	}

	/** The problem shown on a field, if any. */
	Optional<String> problemAt(String path) {
		Control c = fields.get(path);
		return c == null ? Optional.empty() : Optional.ofNullable(problemText.get(c));
	}

	/** The problems shown at the top. */
	String problemsText() {
		return problemsLabel.getText();
	}

	/** Marks the fields the problems name (the closest enclosing field or section when there is no field). */
	void showProblems(String source, List<SettingsProblem> problems) {
		decorations.forEach(ControlDecoration::dispose);
		decorations.clear();
		problemText.clear();
		StringBuilder text = new StringBuilder();
		for (SettingsProblem p : problems) {
			text.append(text.isEmpty() ? "" : "\n").append(p.format(source));
			Control target = closest(p.path());
			if (target != null) {
				String message = problemText.containsKey(target) ? problemText.get(target) + "\n" + p.message() : p.message();
				problemText.put(target, message);
			}
		}
		for (Map.Entry<Control, String> e : problemText.entrySet()) {
			ControlDecoration d = new ControlDecoration(e.getKey(), SWT.LEFT | SWT.TOP);
			d.setImage(FieldDecorationRegistry.getDefault().getFieldDecoration(FieldDecorationRegistry.DEC_ERROR).getImage());
			d.setDescriptionText(e.getValue());
			d.show();
			decorations.add(d);
		}
		problemsLabel.setText(problems.isEmpty() ? "No problems: the experiment is valid." : problems.size() + " problem(s):\n" + text);
		problemsLabel.setForeground(problemsLabel.getDisplay().getSystemColor(problems.isEmpty() ? SWT.COLOR_DARK_GREEN : SWT.COLOR_DARK_RED));
		problemsLabel.getParent().layout(true, true);
	}

	/** Whether a decoration (validation marker) is showing on the field of this path. */
	boolean markerShown(String path) {
		Control c = fields.get(path);
		return c != null && decorations.stream().anyMatch(d -> d.getControl() == c && d.isVisible());
	}

	private Control closest(String path) {
		String p = path;
		while (p != null && !p.isEmpty()) {
			if (fields.containsKey(p)) {
				return fields.get(p);
			}
			if (sections.containsKey(p)) {
				return sections.get(p);
			}
			int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
			p = cut > 0 ? p.substring(0, cut) : null;
		}
		return null;
	}

	/** Rebuilds every widget from the tree (after structural changes and undo). */
	void rebuild() {
		updating = true;
		try {
			for (Control c : body.getChildren()) {
				c.dispose();
			}
			fields.clear();
			sections.clear();
			decorations.clear();
			problemText.clear();
			Group general = group(body, "Experiment", "", 2);
			for (SettingsSchema.Key k : SettingsSchema.keys(Experiment.class, codec)) {
				switch (k.kind()) {
				case OBJECT -> {
					Group g = group(body, title(k.name()), k.name(), 1);
					object(g, k.type(), k.name());
				}
				case CONTRIBUTIONS -> contributions(body, k, k.name());
				default -> scalar(general, k, k.name());
				}
			}
			body.setSize(body.computeSize(Math.max(600, scroller.getClientArea().width), SWT.DEFAULT));
			body.layout(true, true);
		} finally {
			updating = false;
		}
	}

	private void object(Composite parent, Class<?> type, String prefix) {
		for (SettingsSchema.Key k : SettingsSchema.keys(type, codec)) {
			String path = prefix + "." + k.name();
			switch (k.kind()) {
			case OBJECT -> {
				Group g = group(parent, title(k.name()), path, 2);
				GridDataFactory.fillDefaults().grab(true, false).span(2, 1).applyTo(g);
				object(g, k.type(), path);
			}
			case CONTRIBUTIONS -> contributions(parent, k, path);
			default -> scalar(parent, k, path);
			}
		}
	}

	private void contributions(Composite parent, SettingsSchema.Key key, String path) {
		String kind = key.name(); // architectures, augmentations, evaluators
		Optional<ContributionRegistry> registry = catalog.registry(kind);
		Group g = group(parent, title(kind), path, 1);
		GridDataFactory.fillDefaults().grab(true, false).span(parent == body ? 1 : 2, 1).applyTo(g);
		GridLayoutFactory.fillDefaults().numColumns(1).margins(6, 4).applyTo(g); // one item under another
		JsonNode list = at(path);
		if (list instanceof ArrayNode array) {
			for (int i = 0; i < array.size(); i++) {
				contribution(g, key, registry, path + "[" + i + "]", array.get(i), i);
			}
		}
		Composite add = new Composite(g, SWT.NONE);
		GridLayoutFactory.fillDefaults().numColumns(2).applyTo(add);
		Combo ids = new Combo(add, SWT.READ_ONLY);
		registry.ifPresent(r -> r.descriptors().forEach(d -> ids.add(d.id())));
		if (ids.getItemCount() > 0) {
			ids.select(0);
		}
		Button button = new Button(add, SWT.PUSH);
		button.setText("Add " + (kind.endsWith("s") ? kind.substring(0, kind.length() - 1) : kind));
		button.addListener(SWT.Selection, e -> {
			ArrayNode array = list instanceof ArrayNode a ? a : parentObject(path).putArray(last(path));
			array.addObject().put("id", ids.getText());
			changed(path, true);
		});
		fields.put(path + "+", button);
	}

	private void contribution(Composite parent, SettingsSchema.Key key, Optional<ContributionRegistry> registry, String path, JsonNode item,
			int index) {
		Group g = group(parent, "#" + index, path, 2);
		GridDataFactory.fillDefaults().grab(true, false).applyTo(g);
		label(g, "id", "Id of the contribution; choosing another resets its settings");
		Composite idRow = new Composite(g, SWT.NONE);
		GridLayoutFactory.fillDefaults().numColumns(2).applyTo(idRow);
		GridDataFactory.fillDefaults().grab(true, false).applyTo(idRow);
		Combo id = new Combo(idRow, SWT.READ_ONLY);
		String current = item.path("id").asText("");
		registry.ifPresent(r -> r.descriptors().forEach(d -> id.add(d.id())));
		if (id.indexOf(current) < 0) {
			id.add(current);
		}
		id.select(id.indexOf(current));
		id.addListener(SWT.Selection, e -> {
			if (updating || !(item instanceof ObjectNode o)) {
				return;
			}
			o.put("id", id.getText());
			o.remove("settings");
			changed(path + ".id", true);
		});
		fields.put(path + ".id", id);
		Button remove = new Button(idRow, SWT.PUSH);
		remove.setText("Remove");
		remove.addListener(SWT.Selection, e -> {
			if (at(path.substring(0, path.lastIndexOf('['))) instanceof ArrayNode array) {
				array.remove(index);
				changed(path, true);
			}
		});
		// the reference's own keys (probability of an augmentation, training overrides of an architecture)
		for (SettingsSchema.Key k : SettingsSchema.keys(key.type(), codec)) {
			if (!k.name().equals("id") && !k.name().equals("settings")) {
				scalar(g, k, path + "." + k.name());
			}
		}
		Optional<ContributionDescriptor> descriptor = registry.flatMap(r -> r.find(current));
		if (descriptor.isPresent()) {
			try {
				Optional<Class<?>> settings = registry.get().settingsClass(descriptor.get());
				if (settings.isPresent()) {
					Group s = group(g, "settings of " + descriptor.get().name(), path + ".settings", 2);
					GridDataFactory.fillDefaults().grab(true, false).span(2, 1).applyTo(s);
					object(s, settings.get(), path + ".settings");
				}
			} catch (Exception e) {
				Label l = new Label(g, SWT.WRAP);
				l.setText("settings unavailable: " + e.getMessage());
			}
		}
	}

	private void scalar(Composite parent, SettingsSchema.Key k, String path) {
		String tip = (k.description().isEmpty() ? k.name() : k.description()) + (k.bounds().isEmpty() ? "" : " (" + k.bounds() + ")")
				+ (k.defaultValue().isMissingNode() || k.defaultValue().isNull() ? "" : "; default " + display(k.defaultValue()))
				+ (k.required() ? "; required" : "");
		label(parent, k.name() + (k.required() ? " *" : ""), tip);
		JsonNode value = at(path);
		Control control;
		List<String> choices = choices(k, path);
		if (choices != null) {
			Combo combo = new Combo(parent, SWT.READ_ONLY);
			String def = k.defaultValue().isMissingNode() || k.defaultValue().isNull() ? "" : " " + display(k.defaultValue());
			combo.add(DEFAULT_CHOICE + def);
			choices.forEach(combo::add);
			String v = value.isMissingNode() || value.isNull() ? null : display(value);
			if (v != null && combo.indexOf(v) < 0) {
				combo.add(v);
			}
			combo.select(v == null ? 0 : combo.indexOf(v));
			combo.addListener(SWT.Selection, e -> set(path, k, combo.getSelectionIndex() == 0 ? "" : combo.getText()));
			control = combo;
		} else {
			Text text = new Text(parent, SWT.BORDER | (k.name().equals("description") ? SWT.MULTI | SWT.WRAP : SWT.SINGLE));
			text.setText(value.isMissingNode() || value.isNull() ? "" : display(value));
			if (!k.defaultValue().isMissingNode() && !k.defaultValue().isNull()) {
				text.setMessage("default " + display(k.defaultValue()));
			}
			text.addModifyListener(e -> set(path, k, text.getText()));
			control = text;
		}
		control.setToolTipText(tip);
		GridDataFactory.fillDefaults().grab(true, false).indent(8, 0).hint(k.name().equals("description") ? 200 : SWT.DEFAULT,
				k.name().equals("description") ? 40 : SWT.DEFAULT).applyTo(control);
		fields.put(path, control);
	}

	private List<String> choices(SettingsSchema.Key k, String path) {
		if (k.kind() == SettingsSchema.Kind.BOOLEAN) {
			return List.of("true", "false");
		}
		if (k.kind() == SettingsSchema.Kind.ENUM) {
			return k.options();
		}
		if (path.equals("preprocessing.window")) {
			return catalog.registry("windows").map(r -> r.descriptors().stream().map(ContributionDescriptor::id).toList()).orElse(null);
		}
		return null;
	}

	/** Writes a field's text into the tree (empty: remove the key). */
	private void set(String path, SettingsSchema.Key k, String raw) {
		if (updating) {
			return;
		}
		ObjectNode parent = parentObject(path);
		String name = last(path);
		String text = raw.strip();
		if (text.isEmpty()) {
			parent.remove(name);
		} else {
			parent.set(name, parse(k, text));
		}
		changed(path, false);
	}

	static JsonNode parse(SettingsSchema.Key k, String text) {
		switch (k.kind()) {
		case BOOLEAN:
			return text.equals("true") || text.equals("false") ? JSON.booleanNode(Boolean.parseBoolean(text)) : JSON.textNode(text);
		case INTEGER:
			try {
				long v = Long.parseLong(text);
				return v == (int) v ? JSON.numberNode((int) v) : JSON.numberNode(v); // as the YAML parser reads it
			} catch (NumberFormatException e) {
				return JSON.textNode(text); // the validator reports the wrong type on this field
			}
		case NUMBER:
			try {
				return JSON.numberNode(Double.parseDouble(text));
			} catch (NumberFormatException e) {
				return JSON.textNode(text);
			}
		case LIST: {
			ArrayNode a = JSON.arrayNode();
			String inner = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
			for (String part : inner.split(",")) {
				String p = part.strip();
				if (p.isEmpty()) {
					continue;
				}
				if (Number.class.isAssignableFrom(k.type())) {
					try {
						if (p.contains(".") || p.contains("e")) {
							a.add(JSON.numberNode(Double.parseDouble(p)));
						} else {
							long v = Long.parseLong(p);
							a.add(v == (int) v ? JSON.numberNode((int) v) : JSON.numberNode(v));
						}
						continue;
					} catch (NumberFormatException e) {
						// kept as text: the validator names it
					}
				}
				a.add(p);
			}
			return a;
		}
		case YAML:
			try {
				return YAML_TREES.readTree(text);
			} catch (Exception e) {
				return JSON.textNode(text);
			}
		default:
			return JSON.textNode(text);
		}
	}

	static String display(JsonNode v) {
		if (v.isTextual()) {
			return v.asText();
		}
		if (v.isArray()) {
			boolean scalars = true;
			for (JsonNode n : v) {
				scalars &= n.isValueNode();
			}
			if (scalars) {
				List<String> parts = new ArrayList<>();
				v.forEach(n -> parts.add(n.asText()));
				return String.join(", ", parts);
			}
		}
		if (v.isFloatingPointNumber() && v.asText().contains("E")) {
			// 3e-4 as 0.0003, not Java's 3.0E-4
			return java.math.BigDecimal.valueOf(v.doubleValue()).stripTrailingZeros().toPlainString();
		}
		if (v.isValueNode()) {
			return v.asText();
		}
		try {
			return FLOW.writeValueAsString(v);
		} catch (Exception e) {
			return v.toString();
		}
	}

	private void changed(String path, boolean structural) {
		if (structural) {
			rebuild();
		}
		listener.edited(path, structural);
	}

	/** The node at a key path ({@code a.b[2].c}), missing when absent. */
	JsonNode at(String path) {
		JsonNode n = root;
		for (Object step : steps(path)) {
			n = step instanceof Integer i ? n.path(i) : n.path((String) step);
		}
		return n;
	}

	/** The object holding the path's last key, created (as objects) where missing. */
	private ObjectNode parentObject(String path) {
		List<Object> steps = steps(path);
		JsonNode n = root;
		for (int i = 0; i < steps.size() - 1; i++) {
			Object step = steps.get(i);
			if (step instanceof Integer index) {
				n = n.path(index);
			} else {
				JsonNode child = n.get((String) step);
				if (!(child instanceof ObjectNode) && !(child instanceof ArrayNode)) {
					child = ((ObjectNode) n).putObject((String) step);
				}
				n = child;
			}
		}
		return (ObjectNode) n;
	}

	private static String last(String path) {
		List<Object> steps = steps(path);
		return (String) steps.get(steps.size() - 1);
	}

	static List<Object> steps(String path) {
		List<Object> out = new ArrayList<>();
		for (String part : path.split("\\.")) {
			int b = part.indexOf('[');
			if (b < 0) {
				out.add(part);
				continue;
			}
			out.add(part.substring(0, b));
			for (String idx : part.substring(b + 1).split("\\[")) {
				out.add(Integer.parseInt(idx.replace("]", "")));
			}
		}
		return out;
	}

	private Group group(Composite parent, String title, String path, int columns) {
		Group g = new Group(parent, SWT.NONE);
		g.setText(title);
		GridLayoutFactory.fillDefaults().numColumns(2).margins(6, 4).applyTo(g);
		GridDataFactory.fillDefaults().grab(true, false).span(parent == body ? columns == 2 ? 2 : 1 : 2, 1).applyTo(g);
		if (!path.isEmpty()) {
			sections.put(path, g);
		}
		return g;
	}

	private static void label(Composite parent, String text, String tip) {
		Label l = new Label(parent, SWT.NONE);
		l.setText(text);
		l.setToolTipText(tip);
	}

	private static String title(String key) {
		String spaced = key.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
		return Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
	}


}
