package org.nodulab.eval.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Prediction;
import org.nodulab.eval.froc.Luna16Reference;
import org.nodulab.eval.ensemble.Ensembles;

class EnsemblesTest {

	static Prediction p(String uid, double x, double prob) {
		return new Prediction(uid, x, 0, 0, prob, Prediction.UNKNOWN);
	}

	@Test
	void membersAreAlignedByCandidateWhateverTheirOrder() {
		var a = new Ensembles.Member("a.csv", List.of(p("s", 1, 0.1), p("s", 2, 0.2)));
		var b = new Ensembles.Member("b.csv", List.of(p("s", 2, 0.9), p("s", 1, 0.8)));
		Ensembles.Aligned aligned = Ensembles.align(List.of(a, b));
		assertArrayEquals(new double[] { 0.8, 0.9 }, aligned.scores().get(1));
	}

	@Test
	void mismatchedCandidateSetsAreClearErrors() {
		var a = new Ensembles.Member("a.csv", List.of(p("s", 1, 0.1), p("s", 2, 0.2)));
		var missing = new Ensembles.Member("b.csv", List.of(p("s", 1, 0.9)));
		assertEquals("b.csv has no score for the candidate s at 2.0,0.0,0.0 that a.csv scores; all members must score "
				+ "the same candidates",
				assertThrows(IllegalArgumentException.class, () -> Ensembles.align(List.of(a, missing))).getMessage());
		var extra = new Ensembles.Member("c.csv", List.of(p("s", 1, 0.9), p("s", 2, 0.5), p("t", 3, 0.5)));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Ensembles.align(List.of(a, extra))).getMessage()
				.startsWith("c.csv scores a candidate the other members do not: t at 3.0,0.0,0.0"));
	}

	@Test
	void foldsMergeOnlyWhenDisjoint() {
		var f0 = new Ensembles.Member("fold0.csv", List.of(p("s1", 1, 0.1), p("s1", 2, 0.2)));
		var f1 = new Ensembles.Member("fold1.csv", List.of(p("s2", 1, 0.3)));
		assertEquals(3, Ensembles.mergeFolds(List.of(f0, f1)).size());
		var overlap = new Ensembles.Member("fold2.csv", List.of(p("s1", 9, 0.3)));
		assertEquals("scan s1 is in fold0.csv and in fold2.csv; folds must not share scans",
				assertThrows(IllegalArgumentException.class, () -> Ensembles.mergeFolds(List.of(f0, overlap))).getMessage());
	}

	@Test
	void weightsAreSearchedOnValidationAndLeakageIsRefused() throws Exception {
		// validation: 4 scans, one nodule each at x=0; member A ranks the nodules right, B ranks them wrong
		List<String> scans = List.of("v1", "v2", "v3", "v4");
		List<Annotation> nodules = new ArrayList<>();
		List<Prediction> a = new ArrayList<>();
		List<Prediction> b = new ArrayList<>();
		for (String s : scans) {
			nodules.add(new Annotation(s, 0, 0, 0, 10));
			a.add(p(s, 0, 0.9));
			a.add(p(s, 50, 0.1));
			b.add(p(s, 0, 0.1));
			b.add(p(s, 50, 0.9));
		}
		Luna16Reference reference = new Luna16Reference(scans, nodules, List.of());
		Ensembles.Aligned validation = Ensembles.align(
				List.of(new Ensembles.Member("a", a), new Ensembles.Member("b", b)));
		org.nodulab.eval.supplier.ensemble.WeightedMeanCombiner weighted = new org.nodulab.eval.supplier.ensemble.WeightedMeanCombiner();
		Ensembles.Search search = Ensembles.searchWeights(validation, reference, 0.1, false, Set.of(), (scores, w) -> {
			org.nodulab.eval.supplier.ensemble.WeightedMeanSettings settings = new org.nodulab.eval.supplier.ensemble.WeightedMeanSettings();
			settings.weights = java.util.Arrays.stream(w).boxed().toList();
			return weighted.combine(scores, settings);
		});
		assertEquals(11, search.combinations());
		assertEquals(1.0, search.cpm(), 1e-12);
		assertTrue(search.weights()[0] > 0.5, "A must get the larger weight: " + search.weights()[0]);

		Ensembles.LeakageException leak = assertThrows(Ensembles.LeakageException.class,
				() -> Ensembles.checkNoLeakage(Set.of("v1", "v2"), Set.of("v2", "t1"), false));
		assertTrue(leak.getMessage().contains("would use 1 of the evaluated scans (e.g. v2)"), leak.getMessage());
		assertEquals(Set.of("v2"), Ensembles.checkNoLeakage(Set.of("v1", "v2"), Set.of("v2", "t1"), true));
		assertEquals(Set.of(), Ensembles.checkNoLeakage(Set.of("v1"), Set.of("t1"), false));
	}
}
