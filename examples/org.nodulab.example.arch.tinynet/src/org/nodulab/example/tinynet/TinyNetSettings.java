package org.nodulab.example.tinynet;

import org.nodulab.core.settings.Range;
import org.nodulab.nn.arch.NetworkSettings;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** TinyNet's settings: the shared ones (branches, activation, down-sampling, head) plus its width. */
public class TinyNetSettings extends NetworkSettings {

	@Range(min = 1, max = 256)
	@JsonPropertyDescription("Filters of the first stage; the second has twice as many")
	public int filters = 8;
}
