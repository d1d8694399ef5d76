package org.nodulab.eval.froc;

/**
 * The random numbers of numpy's legacy {@code RandomState} (MT19937 with numpy's integer seeding) and
 * its {@code randint(n, size=n)}, so that a seeded bootstrap resamples exactly the scans the official
 * LUNA16 script resamples after {@code numpy.random.seed(seed)}.
 */
public final class NumpyRandom {

	private static final int N = 624;
	private static final int M = 397;
	private static final int MATRIX_A = 0x9908b0df;
	private static final int UPPER_MASK = 0x80000000;
	private static final int LOWER_MASK = 0x7fffffff;

	private final int[] mt = new int[N];
	private int index;

	/**
	 * @param seed 0 to 2^32 - 1, as numpy accepts
	 */
	public NumpyRandom(long seed) {
		if (seed < 0 || seed > 0xffffffffL) {
			throw new IllegalArgumentException("seed must be between 0 and 2^32 - 1, got " + seed);
		}
		long s = seed;
		for (int i = 0; i < N; i++) {
			mt[i] = (int) s;
			s = (1812433253L * (s ^ (s >>> 30)) + i + 1) & 0xffffffffL;
		}
		index = N;
	}

	/** The next 32 random bits (MT19937 genrand_int32). */
	public int nextInt32() {
		if (index >= N) {
			twist();
		}
		int y = mt[index++];
		y ^= y >>> 11;
		y ^= (y << 7) & 0x9d2c5680;
		y ^= (y << 15) & 0xefc60000;
		y ^= y >>> 18;
		return y;
	}

	private void twist() {
		int kk;
		for (kk = 0; kk < N - M; kk++) {
			int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
			mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
		}
		for (; kk < N - 1; kk++) {
			int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
			mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
		}
		int y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
		mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
		index = 0;
	}

	/**
	 * {@code randint(bound, size=count)} of numpy's legacy generator: masked rejection sampling on 32-bit
	 * draws; a bound of 1 draws nothing.
	 */
	public int[] randint(int bound, int count) {
		if (bound < 1) {
			throw new IllegalArgumentException("bound must be positive, got " + bound);
		}
		int[] out = new int[count];
		long range = bound - 1L;
		if (range == 0) {
			return out;
		}
		long mask = range;
		mask |= mask >>> 1;
		mask |= mask >>> 2;
		mask |= mask >>> 4;
		mask |= mask >>> 8;
		mask |= mask >>> 16;
		for (int i = 0; i < count; i++) {
			long value;
			do {
				value = (nextInt32() & 0xffffffffL) & mask;
			} while (value > range);
			out[i] = (int) value;
		}
		return out;
	}
}
