package org.nodulab.core.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.eclipse.core.runtime.IConfigurationElement;

/**
 * Metadata of one contribution to a Nodulab extension point, read from the contributing bundle's
 * {@code plugin.xml} without loading any of its classes.
 *
 * <p>Every Nodulab extension point shares the attributes {@code id}, {@code name},
 * {@code description} and {@code category}; class-based points add {@code class} (the
 * implementation) and, where the contribution is configurable, {@code settings} (a Jackson settings
 * class). Declarative points (HU windows) carry their data in further attributes, available through
 * {@link #attribute(String)}.
 */
public final class ContributionDescriptor {

	private final String kind;
	private final String id;
	private final String name;
	private final String description;
	private final String category;
	private final String contributor;
	private final String implementationClass;
	private final String settingsClass;
	private final Map<String, String> attributes;
	private final IConfigurationElement element;

	ContributionDescriptor(String kind, IConfigurationElement element, Map<String, String> attributes) {
		this.kind = kind;
		this.element = element;
		this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
		this.id = attributes.get("id");
		this.name = attributes.getOrDefault("name", id);
		this.description = attributes.getOrDefault("description", "");
		this.category = attributes.getOrDefault("category", "");
		this.implementationClass = attributes.get("class");
		this.settingsClass = attributes.get("settings");
		this.contributor = element == null ? "" : element.getContributor().getName();
	}

	/** Creates a descriptor that is not backed by plugin.xml (for tests and programmatic use). */
	public static ContributionDescriptor of(String kind, Map<String, String> attributes) {
		Objects.requireNonNull(attributes.get("id"), "id");
		return new ContributionDescriptor(kind, null, attributes);
	}

	/** The registry kind, e.g. {@code architectures}. */
	public String kind() {
		return kind;
	}

	public String id() {
		return id;
	}

	public String name() {
		return name;
	}

	public String description() {
		return description;
	}

	public String category() {
		return category;
	}

	/** Symbolic name of the bundle that contributed this entry. */
	public String contributor() {
		return contributor;
	}

	/** Fully qualified name of the implementation class, or {@code null} for declarative contributions. */
	public String implementationClass() {
		return implementationClass;
	}

	/** Fully qualified name of the settings class, or {@code null} when the contribution has no settings. */
	public String settingsClass() {
		return settingsClass;
	}

	/** Every attribute as written in plugin.xml. */
	public Map<String, String> attributes() {
		return attributes;
	}

	public String attribute(String attributeName) {
		return attributes.get(attributeName);
	}

	IConfigurationElement element() {
		return element;
	}

	@Override
	public String toString() {
		return kind + ":" + id + " (" + contributor + ")";
	}
}
