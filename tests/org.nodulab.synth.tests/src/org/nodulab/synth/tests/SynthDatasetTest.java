package org.nodulab.synth.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.preprocess.LungSegmentation;
import org.nodulab.synth.Diameters;
import org.nodulab.synth.MeanHuBaseline;
import org.nodulab.synth.SynthDataset;
import org.nodulab.synth.SynthSettings;
import org.nodulab.test.support.SharedData;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.supplier.metaimage.MetaImage;

/** A small synthetic benchmark, generated once: layout, labels, determinism, anatomy, lung masks. */
class SynthDatasetTest {

	@TempDir
	static Path shared;

	static Path dataset;
	static SynthDataset.Summary summary;

	static SynthSettings small(long seed) {
		SynthSettings s = new SynthSettings();
		s.scans = 3;
		s.seed = seed;
		s.nodulesPerScan = 4;
		return s;
	}

	@BeforeAll
	static void generate() throws IOException {
		dataset = shared.resolve("synth");
		summary = SynthDataset.generate(org.nodulab.test.support.Osgi.service(org.nodulab.volume.VolumeWriterRegistry.class), small(7), dataset, true, line -> {
		});
	}

	@Test
	void theDatasetHasTheLuna16LayoutAndReadsBack() throws Exception {
		for (String f : List.of("annotations.csv", "annotations_excluded.csv", "candidates_V2.csv", "candidates_stage2.csv",
				"seriesuids.csv", "synth/settings.yaml", "synth/findings.csv", "synth/candidate_kinds.csv",
				"synth/baseline_meanhu.csv", "synth/gallery-nodules.png", "synth/gallery-false-positives.png",
				"synth/scan-axial.png")) {
			assertTrue(Files.size(dataset.resolve(f)) > 0, f);
		}
		// files and folders keep the user's umask (not the private permissions of temporary files)
		Path plain = Files.createFile(shared.resolve("plain.txt"));
		Path plainDir = Files.createDirectory(shared.resolve("plain"));
		assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(dataset.resolve("annotations.csv")));
		assertEquals(Files.getPosixFilePermissions(plainDir), Files.getPosixFilePermissions(dataset));
		Luna16Dataset d = Luna16Dataset.open(dataset);
		assertEquals(3, d.scans().size());
		assertEquals(List.of(0, 1, 2), d.subsets());
		assertEquals(summary.nodules(), d.annotations().size());
		assertEquals(summary.excluded(), d.excluded().size());
		for (Luna16Dataset.Scan scan : d.scans()) {
			assertTrue(scan.uid().matches("2\\.25\\.\\d+"), scan.uid());
			assertTrue(d.lungMask(scan.uid()).isPresent());
			assertEquals(dataset.resolve("subset" + scan.subset()).resolve(scan.uid() + ".mhd"), scan.file());
		}
		CandidateTable stage1 = d.candidates("candidates_V2.csv");
		CandidateTable stage2 = d.candidates("candidates_stage2.csv");
		assertEquals(summary.candidates(), stage1.size());
		assertEquals(summary.positives(), stage1.positives());
		assertTrue(stage1.hasLabels() && !stage1.hasProbabilities());
		assertTrue(stage2.hasLabels() && stage2.hasProbabilities());
		double perScan = stage1.size() / 3.0;
		assertTrue(perScan > 75 && perScan < 140, "about 100 candidates per scan, got " + perScan);
		double stage2PerScan = (stage2.size() - stage2.positives()) / 3.0;
		assertTrue(stage2PerScan > 12 && stage2PerScan < 28, "about 20 false positives per scan in stage 2, got " + stage2PerScan);
		// stage 2 is a sparser subset of stage 1
		for (int row = 0; row < stage2.size(); row++) {
			int r = row;
			assertTrue(java.util.Arrays.stream(stage1.rowsOf(stage2.uid(r))).anyMatch(s -> stage1.x(s) == stage2.x(r)
					&& stage1.y(s) == stage2.y(r) && stage1.z(s) == stage2.z(r) && stage1.label(s) == stage2.label(r)));
		}
	}

	@Test
	void classesAreLabelledLikeCandidatesV2() throws Exception {
		Luna16Dataset d = Luna16Dataset.open(dataset);
		CandidateTable t = d.candidates("candidates_V2.csv");
		int inside = 0;
		for (int row = 0; row < t.size(); row++) {
			boolean within = false;
			for (Annotation a : d.annotationsOf(t.uid(row))) {
				double dx = t.x(row) - a.x();
				double dy = t.y(row) - a.y();
				double dz = t.z(row) - a.z();
				within |= Math.sqrt(dx * dx + dy * dy + dz * dz) < a.diameter() / 2;
			}
			assertEquals(within ? 1 : 0, t.label(row), "row " + row + " at line " + t.line(row));
			inside += within ? 1 : 0;
		}
		assertTrue(inside > 0);
		for (Annotation a : d.annotations()) {
			assertTrue(a.diameter() >= 3, "annotated nodules are 3 mm or more: " + a);
		}
		for (Annotation a : d.excluded()) {
			assertTrue(a.diameter() == -1 || (a.diameter() > 0 && a.diameter() < 3), "excluded: under 3 mm or -1: " + a);
		}
	}

	@Test
	void scansHaveLuna16LikeGeometryAndDensities() throws Exception {
		Luna16Dataset d = Luna16Dataset.open(dataset);
		Map<String, List<CSVRecord>> findings = findingsByScan();
		for (Luna16Dataset.Scan scan : d.scans()) {
			Volume v = MetaImage.read(scan.file());
			VolumeGeometry g = v.geometry();
			double[] s = g.spacing();
			assertTrue(s[0] >= 0.6 && s[0] <= 0.9 && s[0] == s[1], "in-plane spacing " + s[0]);
			assertTrue(List.of(0.7, 1.0, 1.25, 1.5, 2.0, 2.5).contains(s[2]), "slice spacing " + s[2]);
			assertTrue(g.size(0) < 512 && g.size(1) < 512, "demo-sized volumes");
			assertTrue(v.isMapped(), "written as LUNA16's uncompressed little-endian MET_SHORT");
			byte[] truth = MetaImage.readMask(d.lungMask(scan.uid()).orElseThrow(), g);
			double lungHu = 0;
			int lung = 0;
			for (int i = 0; i < truth.length; i++) {
				assertTrue(truth[i] == 0 || truth[i] == 3 || truth[i] == 4);
				if (truth[i] != 0) {
					lungHu += v.get(i);
					lung++;
				}
			}
			lungHu /= lung;
			assertTrue(lungHu > -900 && lungHu < -750, "lung parenchyma with vessels: " + lungHu);
			assertEquals(-1000, v.get(0, 0, 0), 200, "air outside the body");
			for (CSVRecord f : findings.getOrDefault(scan.uid(), List.of())) {
				double[] c = { Double.parseDouble(f.get("coordX")), Double.parseDouble(f.get("coordY")),
						Double.parseDouble(f.get("coordZ")) };
				assertTrue(g.contains(g.worldToVoxel(c)), "finding inside its volume");
				double hu = MeanHuBaseline.meanHu(v, c);
				switch (f.get("kind")) {
				case "solid", "juxtavascular", "juxtapleural" -> {
					if (Double.parseDouble(f.get("diameter_mm")) >= 6) {
						assertTrue(hu > -250, "a solid nodule of 6 mm or more is dense at its centre: " + hu + " " + f);
					}
				}
				case "calcified" -> assertTrue(hu > -400, "calcified: " + hu + " " + f);
				default -> {
				}
				}
			}
		}
	}

	@Test
	void theLungSegmentationMatchesTheTrueMasks() throws Exception {
		Luna16Dataset d = Luna16Dataset.open(dataset);
		for (Luna16Dataset.Scan scan : d.scans()) {
			Volume v = MetaImage.read(scan.file());
			byte[] truth = MetaImage.readMask(d.lungMask(scan.uid()).orElseThrow(), v.geometry());
			LungSegmentation.Result r = LungSegmentation.segment(v, LungSegmentation.Settings.defaults());
			assertEquals(2, r.components(), scan.uid());
			double dice = r.mask().dice(truth);
			assertTrue(dice >= 0.95, "Dice " + dice + " on " + scan.uid());
		}
	}

	@Test
	void theSameSeedGivesTheSameFilesAndAnotherSeedOthers(@TempDir Path dir) throws Exception {
		SynthDataset.generate(org.nodulab.test.support.Osgi.service(org.nodulab.volume.VolumeWriterRegistry.class), small(7), dir.resolve("again"), false, line -> {
		});
		Map<String, String> first = hashes(dataset);
		Map<String, String> again = hashes(dir.resolve("again"));
		first.keySet().removeIf(k -> k.endsWith(".png")); // the second run wrote no gallery
		assertEquals(first, again);
		SynthSettings other = small(8);
		other.scans = 1;
		SynthDataset.generate(org.nodulab.test.support.Osgi.service(org.nodulab.volume.VolumeWriterRegistry.class), other, dir.resolve("other"), false, line -> {
		});
		assertNotEquals(Files.readString(dataset.resolve("seriesuids.csv")).lines().findFirst(),
				Files.readString(dir.resolve("other/seriesuids.csv")).lines().findFirst());
		try (Stream<Path> left = Files.list(dir)) {
			assertEquals(List.of("again", "other"), left.map(p -> p.getFileName().toString()).sorted().toList(),
				"no temporary folders are left behind");
		}
	}

	@Test
	void anExistingDatasetIsNeverOverwritten() throws Exception {
		Map<String, String> before = hashes(dataset);
		FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
				() -> SynthDataset.generate(org.nodulab.test.support.Osgi.service(org.nodulab.volume.VolumeWriterRegistry.class), small(7), dataset, false, line -> {
				}));
		assertTrue(e.getMessage().contains("never overwritten"), e.getMessage());
		assertEquals(before, hashes(dataset));
	}

	@Test
	void theSettingsFileRegeneratesTheDataset(@TempDir Path dir) throws Exception {
		SynthSettings read = new org.nodulab.core.settings.SettingsCodec().read(dataset.resolve("synth/settings.yaml"),
				SynthSettings.class);
		assertEquals(7, read.seed);
		assertEquals(3, read.scans);
		SynthSettings one = read;
		one.scans = 1;
		SynthDataset.generate(org.nodulab.test.support.Osgi.service(org.nodulab.volume.VolumeWriterRegistry.class), one, dir.resolve("one"), false, line -> {
		});
		String uid = Files.readString(dir.resolve("one/seriesuids.csv")).strip();
		Path mhd = dir.resolve("one/subset0/" + uid + ".mhd");
		assertArrayEquals(Files.readAllBytes(dataset.resolve("subset0/" + uid + ".raw")),
				Files.readAllBytes(mhd.resolveSibling(uid + ".raw")), "scan 0 depends only on (seed, index)");
	}

	@Test
	void nodulesSizesFollowTheRealLuna16Diameters() throws Exception {
		List<Annotation> real = Luna16Csv.readAnnotations(SharedData.dir("data/luna16").resolve("annotations.csv"));
		double[] expected = real.stream().mapToDouble(Annotation::diameter).sorted().toArray();
		double[] bundled = Diameters.values();
		assertEquals(1186, bundled.length);
		assertArrayEquals(expected, bundled, 5e-5);
		Luna16Dataset d = Luna16Dataset.open(dataset);
		double[] drawn = d.annotations().stream().mapToDouble(Annotation::diameter).sorted().toArray();
		assertTrue(drawn[0] >= 3 && drawn[drawn.length - 1] <= 32.27 * 1.05 + 1e-9);
	}

	@Test
	void theBaselineFileEvaluatesToThePrintedCpm() throws Exception {
		var result = org.nodulab.eval.froc.Luna16Evaluation.evaluate(dataset.resolve("annotations.csv"),
				dataset.resolve("annotations_excluded.csv"), dataset.resolve("seriesuids.csv"),
				dataset.resolve("synth/baseline_meanhu.csv"), org.nodulab.eval.froc.Luna16Evaluation.Options.of("b"));
		assertEquals(summary.baselineCpm(), result.cpm(), 1e-12);
		assertTrue(Files.readString(dataset.resolve("synth/baseline_meanhu.txt")).contains("CPM: "));
	}

	static Map<String, List<CSVRecord>> findingsByScan() throws IOException {
		Map<String, List<CSVRecord>> out = new HashMap<>();
		try (var parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
				.parse(Files.newBufferedReader(dataset.resolve("synth/findings.csv")))) {
			for (CSVRecord r : parser) {
				out.computeIfAbsent(r.get("seriesuid"), k -> new ArrayList<>()).add(r);
			}
		}
		return out;
	}

	static Map<String, String> hashes(Path root) throws Exception {
		Map<String, String> out = new TreeMap<>();
		try (Stream<Path> files = Files.walk(root)) {
			for (Path f : files.filter(Files::isRegularFile).toList()) {
				MessageDigest md = MessageDigest.getInstance("SHA-256");
				try (InputStream in = Files.newInputStream(f)) {
					byte[] buffer = new byte[1 << 16];
					int n;
					while ((n = in.read(buffer)) > 0) {
						md.update(buffer, 0, n);
					}
				}
				out.put(root.relativize(f).toString(), HexFormat.of().formatHex(md.digest()));
			}
		}
		return out;
	}

}
