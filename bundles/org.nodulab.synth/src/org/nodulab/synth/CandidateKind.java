package org.nodulab.synth;

/** What a synthetic candidate lies on: a finding, or one of the look-alikes detectors report. */
public enum CandidateKind {
	/** On an annotated nodule (class 1). */
	NODULE,
	/** On a nodule under 3 mm or another finding of annotations_excluded.csv. */
	EXCLUDED_FINDING,
	/** A vessel in cross-section. */
	VESSEL,
	/** A vessel bifurcation. */
	BIFURCATION,
	/** A small bump of the pleura into the lung. */
	PLEURAL_BUMP,
	/** The lung wall without a bump. */
	PLEURA,
	/** A small dense dot (granuloma-like). */
	BRIGHT_DOT,
	/** A faint, low-contrast blob of denser parenchyma. */
	BLOB,
	/** Plain parenchyma: noise. */
	PARENCHYMA;

	/** The lower-case name used in files. */
	public String id() {
		return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}
}
