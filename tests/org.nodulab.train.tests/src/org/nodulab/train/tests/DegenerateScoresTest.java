package org.nodulab.train.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.nodulab.train.Predictor;

/**
 * A training that diverged saturates the network's outputs: every candidate scores alike (the shipped VGG at the
 * notebook's learning rate on a 10-scan benchmark scored all 111 validation candidates 0.0000, loss 8.0) and its CPM
 * means nothing. The trainer warns after such an epoch; this is what it recognises.
 */
class DegenerateScoresTest {

	@Test
	void scoresThatDifferRankAndAreNotFlagged() {
		assertEquals(Optional.empty(), Predictor.degenerate(new float[] { 0.1f, 0.1f, 0.9f }));
		assertEquals(Optional.empty(), Predictor.degenerate(new float[] { 0f, Float.MIN_VALUE }), "a tie everywhere but one still ranks");
		assertEquals(Optional.empty(), Predictor.degenerate(new float[] { 0.4f }), "one candidate cannot tell");
		assertEquals(Optional.empty(), Predictor.degenerate(new float[0]));
	}

	@Test
	void saturatedOutputsAreNamedWithTheirCountAndValue() {
		float[] zeros = new float[111];
		assertEquals(Optional.of("all 111 scores are the same (0.0000)"), Predictor.degenerate(zeros));
		float[] ones = new float[1500];
		java.util.Arrays.fill(ones, 1f);
		assertEquals(Optional.of("all 1,500 scores are the same (1.0000)"), Predictor.degenerate(ones));
	}

	@Test
	void scoresThatAreNotNumbersAreCounted() {
		assertEquals(Optional.of("2 of the 4 scores are not numbers (NaN or infinite)"),
				Predictor.degenerate(new float[] { 0.2f, Float.NaN, 0.7f, Float.POSITIVE_INFINITY }));
		assertEquals(Optional.of("3 of the 3 scores are not numbers (NaN or infinite)"),
				Predictor.degenerate(new float[] { Float.NaN, Float.NaN, Float.NaN }));
	}
}
