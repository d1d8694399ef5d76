package org.nodulab.core.experiment;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A contribution named in an experiment file (an architecture, an evaluator...) with its settings.
 * The settings stay a tree until the experiment is validated against the contribution's settings
 * class; the validated object is then available from {@link #resolvedSettings()}.
 */
@JsonPropertyOrder({ "id", "settings" })
public class ContributionRef {

	@JsonProperty(required = true)
	@JsonPropertyDescription("Id of the contribution, as listed by 'nodulab list <kind>'")
	public String id;

	@JsonPropertyDescription("Settings of the contribution; keys left out keep their defaults")
	public JsonNode settings;

	@JsonIgnore
	private Object resolvedSettings;

	public ContributionRef() {
	}

	public ContributionRef(String id) {
		this.id = id;
	}

	/** The validated settings object, or {@code null} before validation or for contributions without settings. */
	public Object resolvedSettings() {
		return resolvedSettings;
	}

	void resolve(Object settingsObject) {
		this.resolvedSettings = settingsObject;
	}
}
