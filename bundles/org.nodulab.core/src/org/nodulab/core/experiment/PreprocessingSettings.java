package org.nodulab.core.experiment;

import org.nodulab.core.settings.Range;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** How volumes are prepared before patches are taken. */
@JsonPropertyOrder({ "resample", "spacing", "window", "meanSubtraction", "lungMask", "lungMaskDilation" })
public class PreprocessingSettings {

	@JsonPropertyDescription("Resample to isotropic voxels of 'spacing' mm (the notebook's first experiments did not)")
	public boolean resample = true;

	@Range(min = 0.25, max = 5)
	@JsonPropertyDescription("Target voxel size in mm when resampling")
	public double spacing = 1.0;

	@JsonPropertyDescription("HU window id from the windows extension point, e.g. lung (-1000..400) or lung-wide (-1200..600)")
	public String window = "lung";

	@JsonPropertyDescription("Subtract the mean intensity of the training data (computed once and recorded in the run)")
	public boolean meanSubtraction = true;

	@JsonPropertyDescription("Drop candidates outside the (dilated) lung mask")
	public boolean lungMask = false;

	@Range(min = 0, max = 30)
	@JsonPropertyDescription("Dilation of the lung mask in mm before candidates are filtered")
	public double lungMaskDilation = 5.0;
}
