package org.nodulab.synth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The nodule diameters of LUNA16's annotations.csv (1186 nodules, 3.25-32.27 mm, median 6.43), as an
 * empirical distribution: a draw picks one of them and perturbs it by up to 5%, so that sizes follow
 * the real distribution without repeating exact values.
 */
public final class Diameters {

	private static final String RESOURCE = "/data/luna16-diameters.txt";
	private static final double[] VALUES = load();

	private Diameters() {
	}

	/** The 1186 diameters, sorted. */
	public static double[] values() {
		return VALUES.clone();
	}

	/** A diameter from the empirical distribution, at least 3 mm (annotated nodules). */
	static double draw(SplittableRandom random) {
		double d = VALUES[random.nextInt(VALUES.length)] * random.nextDouble(0.95, 1.05);
		return Math.max(3.05, d);
	}

	private static double[] load() {
		try (InputStream in = Diameters.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException("resource " + RESOURCE + " is missing from the synth bundle");
			}
			List<Double> values = new ArrayList<>();
			BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
			String line;
			while ((line = reader.readLine()) != null) {
				line = line.strip();
				if (!line.isEmpty() && !line.startsWith("#")) {
					values.add(Double.parseDouble(line));
				}
			}
			return values.stream().mapToDouble(Double::doubleValue).toArray();
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
