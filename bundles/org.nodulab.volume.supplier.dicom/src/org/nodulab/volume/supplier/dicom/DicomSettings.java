package org.nodulab.volume.supplier.dicom;

import org.nodulab.core.settings.Range;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** How a folder of DICOM files becomes one volume. */
@JsonPropertyOrder({ "series", "allowUnevenSpacing", "gapTolerance", "allowNonCt", "recursive" })
public class DicomSettings {

	@JsonPropertyDescription("SeriesInstanceUID to read when the folder holds several series (they are listed when it is missing)")
	public String series;

	@JsonPropertyDescription("Accept uneven gaps between slices: the slices are then interpolated linearly onto a regular grid at the median gap")
	public boolean allowUnevenSpacing = false;

	@Range(min = 0.001, max = 0.5)
	@JsonPropertyDescription("How far a gap between slice positions may differ from the median gap, as a fraction of it, before the spacing counts as uneven")
	public double gapTolerance = 0.05;

	@JsonPropertyDescription("Read series whose Modality is not CT (values are then rescaled stored values, not Hounsfield units)")
	public boolean allowNonCt = false;

	@JsonPropertyDescription("Also look for DICOM files in subfolders")
	public boolean recursive = true;
}
