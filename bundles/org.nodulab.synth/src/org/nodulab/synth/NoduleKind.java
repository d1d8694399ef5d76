package org.nodulab.synth;

/** The kinds of nodules the phantoms contain, with how often each occurs. */
public enum NoduleKind {
	/** Round, soft-tissue density, slightly lobulated. */
	SOLID(0.50),
	/** Faint ground-glass, often with a small solid core (part-solid). */
	GROUND_GLASS(0.15),
	/** Dense, calcified (benign-looking but annotated like the others). */
	CALCIFIED(0.07),
	/** Solid, touching a vessel. */
	JUXTAVASCULAR(0.15),
	/** Solid, attached to the chest wall with a broad base. */
	JUXTAPLEURAL(0.13);

	private final double frequency;

	NoduleKind(double frequency) {
		this.frequency = frequency;
	}

	public double frequency() {
		return frequency;
	}

	/** The lower-case name used in files. */
	public String id() {
		return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}
}
