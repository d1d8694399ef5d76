package org.nodulab.eval.tests;

import org.nodulab.test.support.Osgi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.luna16.Annotation;
import org.nodulab.eval.EvaluationInput;
import org.nodulab.eval.EvaluationResult;
import org.nodulab.eval.Evaluator;
import org.nodulab.eval.EvaluatorRegistry;
import org.nodulab.luna16.Prediction;
import org.nodulab.eval.froc.FrocAnalysis;
import org.nodulab.eval.supplier.luna16.ClassificationEvaluator;
import org.nodulab.eval.supplier.luna16.SizeBinEvaluator;

class EvaluatorsTest {

	static Prediction mark(String uid, double x, double p) {
		return new Prediction(uid, x, 0, 0, p, Prediction.UNKNOWN);
	}

	/** Scan a: nodules of 4, 8 and 20 mm; b: none. */
	static EvaluationInput input(Path out) {
		List<Annotation> nodules = List.of(new Annotation("a", 0, 0, 0, 4), new Annotation("a", 100, 0, 0, 8),
				new Annotation("a", 200, 0, 0, 20));
		List<Prediction> marks = List.of(mark("a", 0, 0.9), mark("a", 100, 0.3), mark("a", 50, 0.8),
				mark("b", 0, 0.6), mark("b", 30, 0.2));
		return new EvaluationInput(nodules, List.of(), List.of("a", "b"), marks, out, "t");
	}

	@SuppressWarnings("unchecked")
	static EvaluationResult run(String id, EvaluationInput input) throws Exception {
		EvaluatorRegistry registry = Osgi.service(EvaluatorRegistry.class);
		Evaluator<Object> evaluator = registry.createInstance(id);
		return evaluator.evaluate(input, registry.defaultSettings(registry.require(id)).orElseThrow());
	}

	@Test
	void allFourEvaluatorsAreContributed() {
		EvaluatorRegistry registry = Osgi.service(EvaluatorRegistry.class);
		assertEquals(List.of("fp-per-scan", "froc", "froc-by-size", "roc"),
				registry.descriptors().stream().map(d -> d.id()).toList());
	}

	@Test
	void frocEvaluatorWritesTheOfficialFiles(@TempDir Path out) throws Exception {
		EvaluationResult r = run("froc", input(out));
		assertEquals(2.0, r.metrics().get("tp"));
		assertEquals(3.0, r.metrics().get("fp"));
		assertTrue(Files.exists(out.resolve("CADAnalysis.txt")));
		assertTrue(Files.exists(out.resolve("froc_t_bootstrapping.csv")));
		assertTrue(Files.exists(out.resolve("froc_t.png")));
		assertTrue(r.metrics().get("cpm.lower") <= r.metrics().get("cpm.upper"));
	}

	@Test
	void sizeBinsSeparateTheNodules(@TempDir Path out) throws Exception {
		EvaluationInput in = input(out);
		FrocAnalysis analysis = FrocAnalysis.analyse(in.seriesuids(), in.annotations(), in.excluded(), in.predictions(), 100);
		List<SizeBinEvaluator.Bin> bins = SizeBinEvaluator.bins(analysis, List.of(0.0, 5.0, 10.0, 30.0));
		assertEquals(List.of(1, 1, 1), bins.stream().map(SizeBinEvaluator.Bin::nodules).toList());
		assertEquals(List.of(1, 1, 0), bins.stream().map(SizeBinEvaluator.Bin::detected).toList());
		// the 4 mm nodule is hit at 0.9, above every false positive: sensitivity 1 at every rate
		assertEquals(1.0, bins.get(0).cpm(), 1e-12);
		assertEquals(0.0, bins.get(2).cpm(), 1e-12);
		EvaluationResult r = run("froc-by-size", in);
		assertEquals(1.0, r.metrics().get("cpm[0-5 mm]"), 1e-12);
		String csv = Files.readString(out.resolve("froc_by_size_t.csv"));
		assertTrue(csv.startsWith("bin,nodules,detected,sensitivity@0.125"), csv);
		assertTrue(csv.contains("\n5-10 mm,1,1,"), csv);
	}

	@Test
	void aucMatchesTheMannWhitneyStatisticWithTies() {
		assertEquals(1.0, ClassificationEvaluator.auc(new double[] { 0.1, 0.2, 0.8, 0.9 }, new int[] { 0, 0, 1, 1 }));
		assertEquals(0.5, ClassificationEvaluator.auc(new double[] { 0.5, 0.5 }, new int[] { 0, 1 }));
		// positives 0.8, 0.4; negatives 0.6, 0.4, 0.1: pairs won 2+1+0.5+1... = (1+1+1) + (0+0.5+1) = 4.5 of 6
		assertEquals(0.75, ClassificationEvaluator.auc(new double[] { 0.8, 0.4, 0.6, 0.4, 0.1 }, new int[] { 1, 1, 0, 0, 0 }));
		assertTrue(Double.isNaN(ClassificationEvaluator.auc(new double[] { 0.3 }, new int[] { 1 })));
	}

	@Test
	void rocLabelsCandidatesByTheHitTestWhenTheyHaveNoClass() throws Exception {
		Map<String, Double> m = run("roc", input(null)).metrics();
		assertEquals(2.0, m.get("positives")); // the marks at x=0 and x=100 on scan a
		assertEquals(3.0, m.get("negatives"));
		// positives 0.9, 0.3; negatives 0.8, 0.6, 0.2: 0.9 beats 3, 0.3 beats 1 -> 4/6
		assertEquals(4.0 / 6, m.get("auc"), 1e-12);
		assertEquals(0.4, m.get("accuracy"), 1e-12); // right: 0.9 (hit), 0.2 (rejected); wrong: 0.8, 0.6, 0.3
	}

	@Test
	void falsePositivesPerScanAtAThreshold(@TempDir Path out) throws Exception {
		Map<String, Double> m = run("fp-per-scan", input(out)).metrics();
		assertEquals(1.0, m.get("fp.mean")); // a: 0.8; b: 0.6 (0.2 is below 0.5)
		assertEquals(1.0, m.get("fp.max"));
		assertEquals(1.0, m.get("hits"));
		assertEquals(2.0, m.get("misses"));
		assertEquals("seriesuid,nodules,hits,false_positives,misses\na,3,1,1,2\nb,0,0,1,0\n",
				Files.readString(out.resolve("fp_per_scan_t.csv")));
	}
}
