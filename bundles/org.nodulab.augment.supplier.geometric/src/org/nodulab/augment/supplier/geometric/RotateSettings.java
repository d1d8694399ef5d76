package org.nodulab.augment.supplier.geometric;

import org.nodulab.core.settings.Range;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class RotateSettings {

	@Range(min = 0, max = 180)
	@JsonPropertyDescription("Largest rotation angle in degrees; angles are uniform in [-maxDegrees, maxDegrees]")
	public double maxDegrees = 180;

	@JsonPropertyDescription("Rotate about z only (in the axial plane) instead of about a random axis")
	public boolean axialOnly = false;
}
