package org.nodulab.train;

/**
 * Derives independent seeds from a run's seed and a position (model, epoch, batch, sample), so that
 * every random choice depends only on where it is made, never on thread timing or on how often the
 * run was interrupted.
 */
public final class Seeds {

	private Seeds() {
	}

	/** Mixes the parts with SplitMix64's finaliser, one round per part. */
	public static long mix(long seed, long... parts) {
		long h = seed;
		for (long part : parts) {
			h = finalise(h ^ finalise(part + 0x9E3779B97F4A7C15L));
		}
		return finalise(h);
	}

	/** A seed from a name (a model id), stable across JVMs. */
	public static long of(String text) {
		long h = 1125899906842597L;
		for (int i = 0; i < text.length(); i++) {
			h = 31 * h + text.charAt(i);
		}
		return finalise(h);
	}

	private static long finalise(long z) {
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}
}
