package org.nodulab.core.experiment;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where runs are written. */
public class OutputSettings {

	@JsonPropertyDescription("Folder that holds one immutable folder per run; relative paths are resolved against the experiment file's folder")
	public String runs = "runs";
}
