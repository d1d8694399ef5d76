package org.nodulab.eval.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Prediction;
import org.nodulab.eval.froc.FrocAnalysis;
import org.nodulab.eval.froc.FrocCurve;
import org.nodulab.eval.froc.Luna16Evaluation;

/** Each rule of the LUNA16 protocol on its own small case. */
class FrocRulesTest {

	private static Prediction mark(String uid, double x, double y, double z, double p) {
		return new Prediction(uid, x, y, z, p, Prediction.UNKNOWN);
	}

	private static Annotation nodule(String uid, double x, double y, double z, double d) {
		return new Annotation(uid, x, y, z, d);
	}

	private static FrocAnalysis analyse(List<String> uids, List<Annotation> nodules, List<Annotation> excluded,
			List<Prediction> marks) {
		return FrocAnalysis.analyse(uids, nodules, excluded, marks, 100);
	}

	@Test
	void aMarkExactlyOnTheRadiusMisses() {
		FrocAnalysis a = analyse(List.of("s"), List.of(nodule("s", 0, 0, 0, 8)), List.of(),
				List.of(mark("s", 4, 0, 0, 0.9), mark("s", 0, 3.999, 0, 0.8)));
		assertEquals(1, a.truePositives());
		assertEquals(1, a.falsePositives());
		assertEquals(0.8, a.nodules().get(0).probability());
	}

	@Test
	void aNegativeDiameterCountsAsTenMillimetres() {
		FrocAnalysis a = analyse(List.of("s"), List.of(), List.of(nodule("s", 0, 0, 0, -1)),
				List.of(mark("s", 0, 0, 4.9, 0.9), mark("s", 0, 0, 5, 0.8)));
		assertEquals(1, a.ignoredOnExcluded());
		assertEquals(1, a.falsePositives());
	}

	@Test
	void includedNodulesClaimMarksBeforeExcludedFindings() {
		// the excluded finding is listed first and contains the mark too
		FrocAnalysis a = analyse(List.of("s"), List.of(nodule("s", 0, 0, 0, 10)), List.of(nodule("s", 1, 0, 0, 10)),
				List.of(mark("s", 0.5, 0, 0, 0.7)));
		assertEquals(1, a.truePositives());
		assertEquals(0, a.ignoredOnExcluded());
		assertEquals(0, a.falsePositives());
	}

	@Test
	void severalMarksOnOneNoduleAreOneHitAtTheHighestProbability() {
		FrocAnalysis a = analyse(List.of("s"), List.of(nodule("s", 0, 0, 0, 8)), List.of(),
				List.of(mark("s", 0, 0, 1, 0.9), mark("s", 1, 0, 0, 0.95), mark("s", 0, 1, 0, 0.2)));
		assertEquals(1, a.truePositives());
		assertEquals(2, a.doubleDetections());
		assertEquals(0, a.falsePositives());
		assertEquals(0.95, a.nodules().get(0).probability());
		assertEquals(3, a.nodules().get(0).marks());
	}

	@Test
	void aMarkInsideTwoOverlappingNodulesHitsBoth() {
		FrocAnalysis a = analyse(List.of("s"), List.of(nodule("s", 0, 0, 0, 10), nodule("s", 3, 0, 0, 10)), List.of(),
				List.of(mark("s", 1.5, 0, 0, 0.6)));
		assertEquals(2, a.truePositives());
		assertEquals(0, a.falsePositives());
		assertEquals(0, a.doubleDetections());
		assertTrue(a.warnings().get(0).contains("inside two nodules"), a.warnings().toString());
	}

	@Test
	void unclaimedMarksOnExcludedFindingsAreNeitherHitNorFalsePositive() {
		FrocAnalysis a = analyse(List.of("s"), List.of(), List.of(nodule("s", 0, 0, 0, 6)),
				List.of(mark("s", 1, 1, 1, 0.9), mark("s", 20, 0, 0, 0.3)));
		assertEquals(1, a.ignoredOnExcluded());
		assertEquals(1, a.falsePositives());
		assertEquals(0, a.totalNodules());
	}

	@Test
	void atMost100MarksPerScanWithTiesAtTheCutDropped() {
		List<Prediction> marks = new ArrayList<>();
		for (int i = 0; i < 95; i++) {
			marks.add(mark("s", 100 + 10 * i, 0, 0, 0.5 + i * 0.001));
		}
		for (int i = 0; i < 10; i++) {
			marks.add(mark("s", -100 - 10 * i, 0, 0, 0.1)); // the 96th..105th largest all tie at 0.1
		}
		marks.add(mark("s", 0, 0, 0, 0.1)); // the only mark on the nodule, cut with the ties
		FrocAnalysis a = analyse(List.of("s"), List.of(nodule("s", 0, 0, 0, 5)), List.of(), marks);
		assertEquals(95, a.candidates());
		assertEquals(11, a.marksDroppedByCap());
		assertEquals(1, a.falseNegatives());

		List<Prediction> exactly100 = new ArrayList<>(marks.subList(0, 99));
		exactly100.add(mark("s", 0, 0, 0, 0.1));
		FrocAnalysis b = analyse(List.of("s"), List.of(nodule("s", 0, 0, 0, 5)), List.of(), exactly100);
		assertEquals(100, b.candidates());
		assertEquals(1, b.truePositives());
	}

	@Test
	void scansWithoutMarksCountInFalsePositivesPerScanAndUnlistedScansAreIgnored() throws Exception {
		List<String> uids = List.of("a", "b", "c", "d");
		List<Annotation> nodules = List.of(nodule("a", 0, 0, 0, 10), nodule("z", 0, 0, 0, 10));
		List<Prediction> marks = List.of(mark("a", 0, 0, 0, 0.9), mark("a", 50, 0, 0, 0.5), mark("a", 60, 0, 0, 0.4),
				mark("z", 0, 0, 0, 0.99));
		var r = Luna16Evaluation.evaluate(uids, nodules, List.of(), marks, Luna16Evaluation.Options.of("t"));
		assertEquals(1, r.analysis().totalNodules());
		assertEquals(2, r.analysis().falsePositives());
		double[] fps = r.curve().fps();
		assertEquals(0.5, fps[fps.length - 1], 1e-15, "2 FPs over 4 listed scans");
		assertEquals(1, r.analysis().marksOnUnlistedScans());
		assertTrue(r.analysis().warnings().get(0).contains("1 mark(s) on scans that are not in the series list"));
	}

	@Test
	void aMissedNoduleStaysInTheDenominator() throws Exception {
		var r = Luna16Evaluation.evaluate(List.of("a"), List.of(nodule("a", 0, 0, 0, 10), nodule("a", 100, 0, 0, 10)),
				List.of(), List.of(mark("a", 0, 0, 0, 0.9), mark("a", 50, 0, 0, 0.1)), Luna16Evaluation.Options.of("t"));
		assertEquals(0.5, r.curve().sensitivityAt(8));
		assertEquals(1, r.analysis().missedNodules().size());
	}

	@Test
	void aTieBetweenAHitAndAFalsePositiveIsOneDiagonalSegment() throws Exception {
		var r = Luna16Evaluation.evaluate(List.of("a"), List.of(nodule("a", 0, 0, 0, 10)), List.of(),
				List.of(mark("a", 0, 0, 0, 0.7), mark("a", 50, 0, 0, 0.7)), Luna16Evaluation.Options.of("t"));
		assertArrayEquals(new double[] { 0, 1 }, r.curve().fps());
		assertArrayEquals(new double[] { 0, 1 }, r.curve().sensitivity());
		assertArrayEquals(new double[] { 1.7, 0.7 }, r.curve().thresholds(), 1e-15);
		assertEquals(0.5, r.curve().sensitivityAt(0.5), 1e-15, "halfway along the diagonal");
	}

	@Test
	void collinearPointsAreDroppedAsRocCurveDoes() throws Exception {
		// three false positives at distinct probabilities after the hit: one straight horizontal run
		var r = Luna16Evaluation.evaluate(List.of("a"), List.of(nodule("a", 0, 0, 0, 10)), List.of(),
				List.of(mark("a", 0, 0, 0, 0.9), mark("a", 50, 0, 0, 0.5), mark("a", 60, 0, 0, 0.4),
						mark("a", 70, 0, 0, 0.3)),
				Luna16Evaluation.Options.of("t"));
		assertArrayEquals(new double[] { 0, 0, 3 }, r.curve().fps(), 1e-15);
		assertArrayEquals(new double[] { 1.9, 0.9, 0.3 }, r.curve().thresholds(), 1e-15);
	}

	@Test
	void interpolationReturnsTheUpperValueAtAVerticalJump() {
		double[] xp = { 0, 1, 1, 3 };
		double[] fp = { 0, 0.375, 0.5, 0.5 };
		assertEquals(0.5, FrocCurve.interp(1.0, xp, fp));
		assertEquals(0.1875, FrocCurve.interp(0.5, xp, fp));
		assertEquals(0.5, FrocCurve.interp(8, xp, fp));
	}

	@Test
	void withoutFalsePositivesTheCurveIsAllAtZeroFps() throws Exception {
		var r = Luna16Evaluation.evaluate(List.of("a", "b"), List.of(nodule("a", 0, 0, 0, 10), nodule("b", 0, 0, 0, 10)),
				List.of(), List.of(mark("a", 0, 0, 0, 0.9)), Luna16Evaluation.Options.of("t"));
		assertArrayEquals(new double[] { 0, 0 }, r.curve().fps());
		assertEquals(0.5, r.cpm(), 1e-15);
	}

	@Test
	void readingAGridOffACurveInOneWalkGivesNumpyInterpsValues() {
		// curves with repeated x (vertical jumps), flat runs, NaN sensitivities and a grid reaching past both ends
		java.util.SplittableRandom random = new java.util.SplittableRandom(5);
		double[] grid = org.nodulab.eval.froc.FrocBootstrap.linspace(0.125, 8, 10000);
		double[] shifted = org.nodulab.eval.froc.FrocBootstrap.linspace(-1, 20, 3001);
		for (int trial = 0; trial < 200; trial++) {
			int n = 1 + random.nextInt(60);
			double[] xp = new double[n];
			double[] fp = new double[n];
			double x = random.nextDouble();
			double y = 0;
			for (int k = 0; k < n; k++) {
				if (random.nextInt(3) != 0) {
					x += random.nextInt(4) == 0 ? 0 : random.nextDouble() * 2; // some steps repeat x
				}
				y += random.nextInt(3) == 0 ? 0 : random.nextDouble();
				xp[k] = x;
				fp[k] = trial % 17 == 0 && k == n / 2 ? Double.NaN : y;
			}
			for (double[] xs : new double[][] { grid, shifted, xp.clone() }) {
				double[] walked = new double[xs.length];
				FrocCurve.interpAscending(xs, xp, fp, walked);
				for (int i = 0; i < xs.length; i++) {
					double expected = FrocCurve.interp(xs[i], xp, fp);
					assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(walked[i]),
							"trial " + trial + ", x = " + xs[i] + ": " + expected + " against " + walked[i]);
				}
			}
		}
	}
}
