package org.nodulab.synth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.synth.SynthDataset;
import org.nodulab.synth.SynthSettings;
import org.nodulab.volume.supplier.metaimage.MetaImage;

/**
 * The default benchmark (20 scans, seed 1), as `nodulab synth` and `nodulab demo` generate it: its
 * hardness is pinned by the mean-HU baseline, and its detector statistics are LUNA16's. Slow (about
 * 30 s): it generates the whole benchmark.
 */
class DefaultBenchmarkTest {

	@Test
	void theMeanHuBaselineScoresBetween040And060(@TempDir Path dir) throws Exception {
		SynthDataset.Summary s = SynthDataset.generate(org.nodulab.test.support.Osgi.service(org.nodulab.volume.VolumeWriterRegistry.class), new SynthSettings(), dir.resolve("benchmark"), false, line -> {
		});
		double cpm = s.baselineCpm();
		assertTrue(cpm >= SynthDataset.BASELINE_CPM_MIN && cpm <= SynthDataset.BASELINE_CPM_MAX,
				"baseline CPM " + cpm + " outside 0.40-0.60: the benchmark's hardness has drifted");
		assertEquals(20, s.scans());
		assertTrue(s.nodules() >= 40 && s.nodules() <= 80, "about 3 nodules per scan: " + s.nodules());
		assertTrue(s.nodulesWithCandidate() >= 0.9 * s.nodules(), "stage 1 finds ~98% of nodules: " + s);
		double perScan = s.candidates() / 20.0;
		assertTrue(perScan >= 90 && perScan <= 125, "about 100 candidates per scan: " + perScan);
		double stage2 = (s.stage2Candidates() - s.stage2Positives()) / 20.0;
		assertTrue(stage2 >= 15 && stage2 <= 25, "about 20 false positives per scan in stage 2: " + stage2);

		Luna16Dataset d = Luna16Dataset.open(dir.resolve("benchmark"));
		assertEquals(10, d.subsets().size());
		Set<Double> sliceSpacings = new TreeSet<>();
		double minInPlane = 1;
		double maxInPlane = 0;
		for (Luna16Dataset.Scan scan : d.scans()) {
			double[] spacing = MetaImage.readGeometry(scan.file()).spacing();
			sliceSpacings.add(spacing[2]);
			minInPlane = Math.min(minInPlane, spacing[0]);
			maxInPlane = Math.max(maxInPlane, spacing[0]);
		}
		assertTrue(sliceSpacings.size() >= 4, "slice spacings vary like LUNA16's: " + sliceSpacings);
		assertTrue(minInPlane < 0.7 && maxInPlane > 0.8, "in-plane spacing spans 0.6-0.9 mm: " + minInPlane + ".." + maxInPlane);
		CandidateTable t = d.candidates("candidates_V2.csv");
		assertEquals(s.positives(), t.positives());
	}
}
