package org.nodulab.train.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nodulab.core.experiment.PreprocessingSettings;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.dataset.ScanVolumes;
import org.nodulab.nn.Batch;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.preprocess.Preprocessing;
import org.nodulab.test.support.Osgi;
import org.nodulab.train.Augmenter;
import org.nodulab.train.BatchSource;
import org.nodulab.train.CandidateSet;
import org.nodulab.train.Predictor;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.WindowRegistry;

/**
 * Prediction visits the candidates scan by scan (so a pass can drop each scan when it is done) and still returns
 * every score at its candidate's place, whatever the order of the candidate file.
 */
class PredictorOrderTest {

	private static final int SIZE = 12;

	/** A stand-in network: each sample's score is a weighted sum of its patch, so every patch scores differently. */
	private static TrainableNetwork fingerprint() {
		return (TrainableNetwork) Proxy.newProxyInstance(TrainableNetwork.class.getClassLoader(), new Class<?>[] { TrainableNetwork.class },
				(proxy, method, args) -> switch (method.getName()) {
				case "predict" -> {
					float[] x = ((Batch) args[0]).inputs().get(0);
					int per = SIZE * SIZE * SIZE;
					float[] out = new float[x.length / per];
					for (int s = 0; s < out.length; s++) {
						double sum = 0;
						for (int i = 0; i < per; i++) {
							sum += x[s * per + i] * (i % 97 + 1);
						}
						out[s] = (float) sum;
					}
					yield out;
				}
				case "close" -> null;
				case "hashCode" -> 0;
				case "equals" -> proxy == args[0];
				default -> throw new UnsupportedOperationException(method.getName());
				});
	}

	private static Map<String, Float> scores(Luna16Dataset d, String file) throws Exception {
		CandidateSet set = CandidateSet.of(d, d.candidates(file), d.scans().stream().map(Luna16Dataset.Scan::uid).toList());
		ScanVolumes volumes = ScanVolumes.oneAfterAnother(d, Osgi.service(VolumeReaderRegistry.class), 1);
		Preprocessing prep = Preprocessing.of(new PreprocessingSettings(), Osgi.service(WindowRegistry.class), 0.25f);
		BatchSource source = new BatchSource(set, volumes, prep, List.of(new int[] { SIZE, SIZE, SIZE }), Augmenter.none(), 1);
		float[] p = Predictor.predict(fingerprint(), source, 5, true, 2, null);
		Map<String, Float> byCandidate = new HashMap<>();
		for (int i = 0; i < set.size(); i++) {
			double[] c = set.position(i);
			byCandidate.put(set.uid(i) + "@" + c[0] + "," + c[1] + "," + c[2], p[i]);
		}
		return byCandidate;
	}

	@Test
	void scoresStayWithTheirCandidatesWhenTheFileMixesTheScans() throws Exception {
		Path root = TinyData.dataset();
		Luna16Dataset d = Luna16Dataset.open(root);
		List<String> lines = Files.readAllLines(root.resolve("candidates_V2.csv"));
		// deal the rows out scan by scan in turn, so consecutive rows belong to different scans
		Map<String, List<String>> byScan = new java.util.LinkedHashMap<>();
		for (String line : lines.subList(1, lines.size())) {
			byScan.computeIfAbsent(line.substring(0, line.indexOf(',')), u -> new ArrayList<>()).add(line);
		}
		assertTrue(byScan.size() >= 2, "the tiny dataset has several scans");
		List<String> mixed = new ArrayList<>(List.of(lines.get(0)));
		for (int k = 0; mixed.size() < lines.size(); k++) {
			for (List<String> rows : byScan.values()) {
				if (k < rows.size()) {
					mixed.add(rows.get(k));
				}
			}
		}
		Path file = root.resolve("candidates_mixed_" + ProcessHandle.current().pid() + ".csv");
		Files.write(file, mixed);
		try {
			Map<String, Float> grouped = scores(d, "candidates_V2.csv");
			Map<String, Float> shuffled = scores(d, file.getFileName().toString());
			assertEquals(grouped.size(), shuffled.size());
			assertTrue(new java.util.HashSet<>(grouped.values()).size() > grouped.size() / 2, "the stand-in tells patches apart");
			for (Map.Entry<String, Float> e : grouped.entrySet()) {
				assertEquals(e.getValue(), shuffled.get(e.getKey()), "candidate " + e.getKey());
			}
		} finally {
			Files.deleteIfExists(file);
		}
	}

	/**
	 * A prediction whose thread is interrupted (Ctrl-C on a command the resident process runs for a client) stops before
	 * its next batch instead of scoring the rest for nobody.
	 */
	@Test
	void anInterruptedPredictionStopsBeforeItsNextBatch() throws Exception {
		Luna16Dataset d = Luna16Dataset.open(TinyData.dataset());
		CandidateSet set = CandidateSet.of(d, d.candidates("candidates_V2.csv"), d.scans().stream().map(Luna16Dataset.Scan::uid).toList());
		ScanVolumes volumes = ScanVolumes.oneAfterAnother(d, Osgi.service(VolumeReaderRegistry.class), 1);
		Preprocessing prep = Preprocessing.of(new PreprocessingSettings(), Osgi.service(WindowRegistry.class), 0.25f);
		BatchSource source = new BatchSource(set, volumes, prep, List.of(new int[] { SIZE, SIZE, SIZE }), Augmenter.none(), 1);
		int[] batches = { 0 };
		TrainableNetwork net = fingerprint();
		TrainableNetwork counting = (TrainableNetwork) Proxy.newProxyInstance(TrainableNetwork.class.getClassLoader(),
				new Class<?>[] { TrainableNetwork.class }, (proxy, method, args) -> {
					if (method.getName().equals("predict") && ++batches[0] == 2) {
						Thread.currentThread().interrupt(); // as the resident process does when its client hangs up
					}
					return method.invoke(net, args);
				});
		assertTrue(set.size() > 3 * 2, "several batches of 2");
		InterruptedException stopped = org.junit.jupiter.api.Assertions.assertThrows(InterruptedException.class,
				() -> Predictor.predict(counting, source, 2, true, 1, null));
		assertTrue(stopped.getMessage().contains("interrupted after 2 of "), stopped.getMessage());
		assertEquals(2, batches[0], "no batch scored after the interrupt");
		assertTrue(Thread.interrupted(), "the interrupt is left set for the caller (and cleared here for the next test)");
	}
}
