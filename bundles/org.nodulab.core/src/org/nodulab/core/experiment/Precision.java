package org.nodulab.core.experiment;

import java.util.Locale;

/**
 * The arithmetic a network computes in. Single precision is the default everywhere; a backend may offer a narrower
 * type, which changes the numbers a little and is therefore never chosen for the user: {@code training.precision} of an
 * experiment (recorded with the run), {@code nodulab predict --precision} and {@code nodulab screen --precision} (their
 * outputs record it).
 */
public enum Precision {

	/** IEEE single precision: the scores the run itself computed, bit for bit on the same backend. */
	FLOAT32("float32"),

	/**
	 * bfloat16 weights and activations (8 significant bits, float32's range) with float32 accumulation inside the
	 * convolutions and float32 batch-norm statistics, as on CPUs with AVX-512 BF16 or AMX; scores differ from
	 * {@link #FLOAT32}'s by about 1e-2.
	 */
	BFLOAT16("bfloat16");

	private final String id;

	Precision(String id) {
		this.id = id;
	}

	/** The name on the command line and in output files. */
	public String id() {
		return id;
	}

	/**
	 * The precision of that name ({@code float32}, {@code bfloat16}; case does not matter).
	 *
	 * @throws IllegalArgumentException naming the known ones
	 */
	public static Precision of(String name) {
		for (Precision p : values()) {
			if (p.id.equals(name.toLowerCase(Locale.ROOT))) {
				return p;
			}
		}
		throw new IllegalArgumentException("unknown precision '" + name + "'; known: float32, bfloat16");
	}

	@Override
	public String toString() {
		return id;
	}
}
