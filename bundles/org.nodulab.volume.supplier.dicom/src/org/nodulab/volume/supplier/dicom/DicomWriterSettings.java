package org.nodulab.volume.supplier.dicom;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** What the DICOM series writer puts into the files beyond the image: identifiers and the patient module. */
@JsonPropertyOrder({ "seriesInstanceUid", "studyInstanceUid", "seriesDescription", "patientName", "patientId", "patientBirthDate" })
public class DicomWriterSettings {

	@JsonPropertyDescription("SeriesInstanceUID of the series (empty: a new 2.25 UID)")
	public String seriesInstanceUid = "";

	@JsonPropertyDescription("StudyInstanceUID (empty: a new 2.25 UID)")
	public String studyInstanceUid = "";

	@JsonPropertyDescription("SeriesDescription")
	public String seriesDescription = "Nodulab";

	@JsonPropertyDescription("PatientName (anonymous by default)")
	public String patientName = "ANONYMOUS";

	@JsonPropertyDescription("PatientID")
	public String patientId = "";

	@JsonPropertyDescription("PatientBirthDate (YYYYMMDD)")
	public String patientBirthDate = "";
}
