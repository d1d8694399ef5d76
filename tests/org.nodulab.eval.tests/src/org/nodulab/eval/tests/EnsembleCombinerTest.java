package org.nodulab.eval.tests;

import org.nodulab.test.support.Osgi;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nodulab.eval.EnsembleCombiner;
import org.nodulab.eval.EnsembleCombinerRegistry;
import org.nodulab.eval.supplier.ensemble.MaxCombiner;
import org.nodulab.eval.supplier.ensemble.MeanCombiner;
import org.nodulab.eval.supplier.ensemble.WeightedMeanCombiner;
import org.nodulab.eval.supplier.ensemble.WeightedMeanSettings;

class EnsembleCombinerTest {

	private static final List<double[]> MEMBERS = List.of(new double[] { 0.1, 0.9, 0.5 },
			new double[] { 0.3, 0.5, 0.5 }, new double[] { 0.2, 0.1, 1.0 });

	@Test
	void meanAndMax() {
		assertArrayEquals(new double[] { 0.2, 0.5, 2.0 / 3 }, new MeanCombiner().combine(MEMBERS, null), 1e-12);
		assertArrayEquals(new double[] { 0.3, 0.9, 1.0 }, new MaxCombiner().combine(MEMBERS, null), 0);
	}

	@Test
	void weightsAreNormalised() {
		WeightedMeanSettings s = new WeightedMeanSettings();
		s.weights = List.of(2.0, 0.0, 2.0);
		assertArrayEquals(new double[] { 0.15, 0.5, 0.75 }, new WeightedMeanCombiner().combine(MEMBERS, s), 1e-12);
		s.weights = List.of(1.0, 1.0, 1.0);
		assertArrayEquals(new MeanCombiner().combine(MEMBERS, null), new WeightedMeanCombiner().combine(MEMBERS, s),
				1e-12);
	}

	@Test
	void mismatchesAreClearErrors() {
		WeightedMeanSettings s = new WeightedMeanSettings();
		s.weights = List.of(1.0, 1.0);
		assertEquals("weights: 2 weight(s) for 3 member(s)",
				assertThrows(IllegalArgumentException.class, () -> new WeightedMeanCombiner().combine(MEMBERS, s))
						.getMessage());
		assertEquals("member 1 scores 2 candidates, member 0 scores 3; all must score the same candidates",
				assertThrows(IllegalArgumentException.class,
						() -> new MeanCombiner().combine(List.of(new double[3], new double[2]), null)).getMessage());
		assertThrows(IllegalArgumentException.class, () -> new MaxCombiner().combine(List.of(), null));
	}

	@Test
	void theRegistryOffersAllThree() throws Exception {
		EnsembleCombinerRegistry registry = Osgi.service(EnsembleCombinerRegistry.class);
		assertEquals(List.of("max", "mean", "weighted"), registry.descriptors().stream().map(d -> d.id()).toList());
		@SuppressWarnings("unchecked")
		EnsembleCombiner<Object> max = registry.createInstance("max");
		assertArrayEquals(new double[] { 0.3, 0.9, 1.0 }, max.combine(MEMBERS, null), 0);
	}
}
