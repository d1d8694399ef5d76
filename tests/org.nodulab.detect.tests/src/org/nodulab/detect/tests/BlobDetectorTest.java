package org.nodulab.detect.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nodulab.detect.Detection;
import org.nodulab.detect.DetectionException;
import org.nodulab.detect.DetectionResult;
import org.nodulab.detect.DetectorRegistry;
import org.nodulab.detect.supplier.blob.BlobSettings;
import org.nodulab.test.support.Osgi;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;

/**
 * The blob detector on a phantom: a chest of soft tissue with two air-filled lungs, a solid nodule and a
 * ground-glass nodule in the left lung and a vessel across the right one.
 */
class BlobDetectorTest {

	static final double[] SOLID = { -27, 5, -262, 8 };
	static final double[] GROUND_GLASS = { -30, 20, -245, 10 };
	/** The vessel runs along x at this y and z through the right lung, 3 mm thick. */
	static final double[] VESSEL = { 5, -262, 3 };

	static Volume phantom(double[] spacing, boolean lungs) {
		double[] origin = { -60, -40, -300 };
		int[] size = { (int) Math.round(120 / spacing[0]), (int) Math.round(88 / spacing[1]), (int) Math.round(75 / spacing[2]) };
		VolumeGeometry g = VolumeGeometry.axisAligned(size, spacing, origin);
		short[] hu = new short[(int) g.voxelCount()];
		SplittableRandom noise = new SplittableRandom(42);
		for (int z = 0; z < size[2]; z++) {
			for (int y = 0; y < size[1]; y++) {
				for (int x = 0; x < size[0]; x++) {
					double[] w = g.voxelToWorld(new double[] { x, y, z });
					double v;
					boolean body = Math.abs(w[0]) < 55 && w[1] > -35 && w[1] < 43;
					boolean lung = lungs && Math.abs(w[0]) > 6 && Math.abs(w[0]) < 48 && w[1] > -28 && w[1] < 36 && w[2] > -292
							&& w[2] < -233;
					if (!body) {
						v = -1000;
					} else if (!lung) {
						v = 40;
					} else if (inBall(w, SOLID)) {
						v = 30;
					} else if (inBall(w, GROUND_GLASS)) {
						v = -600;
					} else if (w[0] > 0 && Math.hypot(w[1] - VESSEL[0], w[2] - VESSEL[1]) < VESSEL[2] / 2) {
						v = 40;
					} else {
						v = -850;
					}
					hu[(z * size[1] + y) * size[0] + x] = (short) Math.round(v + noise.nextGaussian() * 15);
				}
			}
		}
		return new Volume(g, hu);
	}

	private static boolean inBall(double[] w, double[] ball) {
		double dx = w[0] - ball[0];
		double dy = w[1] - ball[1];
		double dz = w[2] - ball[2];
		return dx * dx + dy * dy + dz * dz < ball[3] * ball[3] / 4;
	}

	static DetectorRegistry.Configured blob(Map<String, String> options) throws Exception {
		return Osgi.service(DetectorRegistry.class).configure("blob", options);
	}

	/** The rank of the first detection within the nodule's radius, or -1. */
	static int rank(List<Detection> detections, double[] ball) {
		for (int i = 0; i < detections.size(); i++) {
			Detection d = detections.get(i);
			if (Math.sqrt(Math.pow(d.x() - ball[0], 2) + Math.pow(d.y() - ball[1], 2) + Math.pow(d.z() - ball[2], 2)) <= ball[3] / 2) {
				return i;
			}
		}
		return -1;
	}

	@Test
	void bothNodulesComeFirstWithTheirSizeAndTheVesselBelowThem() throws Exception {
		Volume volume = phantom(new double[] { 0.8, 0.8, 1.25 }, true);
		short[] before = volume.toArray();
		DetectionResult result = blob(Map.of()).detect(volume);
		List<Detection> d = result.detections();
		assertArrayEquals(before, volume.toArray(), "the volume is not changed");
		assertTrue(d.size() <= 100, "at most maxCandidates: " + d.size());
		int solid = rank(d, SOLID);
		int glass = rank(d, GROUND_GLASS);
		assertTrue(solid >= 0 && solid < 3, "solid nodule at rank " + solid + ": " + d.subList(0, Math.min(5, d.size())));
		assertTrue(glass >= 0 && glass < 3, "ground-glass nodule at rank " + glass + ": " + d.subList(0, Math.min(5, d.size())));
		double size = d.get(solid).diameter();
		assertTrue(size > 5 && size < 12, "the 8 mm nodule's estimated diameter: " + size);
		double weakestNodule = Math.min(d.get(solid).score(), d.get(glass).score());
		for (Detection v : d) {
			if (v.x() > 8 && v.x() < 46 && Math.hypot(v.y() - VESSEL[0], v.z() - VESSEL[1]) < 2.5) {
				assertTrue(v.score() < weakestNodule / 2, "a vessel point scores " + v.score() + ", the nodules " + weakestNodule);
			}
		}
		for (int i = 1; i < d.size(); i++) {
			assertTrue(d.get(i - 1).score() >= d.get(i).score(), "best first");
			assertTrue(d.get(i - 1).probability() >= d.get(i).probability(), "the probability orders them like the score");
		}
		assertTrue(result.facts().get("lungs").startsWith("2 components"), result.facts().toString());
		assertEquals(d, blob(Map.of()).detect(volume).detections(), "the same candidates, bit for bit, on a second run");
	}

	@Test
	void thickSlicesAreResampledAndTheNoduleStaysInPlace() throws Exception {
		List<Detection> d = blob(Map.of()).detect(phantom(new double[] { 0.7, 0.7, 2.5 }, true)).detections();
		int solid = rank(d, SOLID);
		assertTrue(solid >= 0 && solid < 3, "solid nodule at rank " + solid + ": " + d.subList(0, Math.min(5, d.size())));
		Detection s = d.get(solid);
		assertTrue(Math.abs(s.z() - SOLID[2]) < 2, "z in world mm: " + s.z());
	}

	@Test
	void settingsChangeWhatIsFound() throws Exception {
		Volume volume = phantom(new double[] { 0.8, 0.8, 1.25 }, true);
		List<Detection> few = blob(Map.of("maxCandidates", "2")).detect(volume).detections();
		assertEquals(2, few.size());
		// searching only for large findings misses the 8 mm nodule's size
		List<Detection> large = blob(Map.of("minDiameter", "20", "maxDiameter", "32")).detect(volume).detections();
		for (Detection x : large) {
			assertTrue(x.diameter() >= 18, "diameter " + x.diameter());
		}
	}

	@Test
	void aScanWithoutLungsIsRefusedWithTheReason() throws Exception {
		DetectionException e = assertThrows(DetectionException.class,
				() -> blob(Map.of()).detect(phantom(new double[] { 1, 1, 2 }, false)));
		assertTrue(e.getMessage().startsWith("no lung found: no air region of 20 ml or more below -400 HU"), e.getMessage());
		VolumeGeometry flat = VolumeGeometry.axisAligned(new int[] { 64, 64, 1 }, new double[] { 1, 1, 1 }, new double[3]);
		DetectionException one = assertThrows(DetectionException.class, () -> blob(Map.of()).detect(new Volume(flat, new short[64 * 64])));
		assertTrue(one.getMessage().contains("too small to search"), one.getMessage());
	}

	@Test
	void optionsAreCheckedAgainstTheSettingsClass() throws Exception {
		DetectorRegistry registry = Osgi.service(DetectorRegistry.class);
		assertTrue(registry.descriptors().stream().anyMatch(x -> x.id().equals("blob")));
		BlobSettings s = (BlobSettings) registry.configure("blob", Map.of("maxCandidates", "7")).settings();
		assertEquals(7, s.maxCandidates);
		Exception unknown = assertThrows(Exception.class, () -> registry.configure("blob", Map.of("nope", "1")));
		assertTrue(unknown.getMessage().contains("detector 'blob'") && unknown.getMessage().contains("nope"), unknown.getMessage());
		Exception range = assertThrows(Exception.class, () -> registry.configure("blob", Map.of("minDiameter", "10", "maxDiameter", "5")));
		assertTrue(range.getMessage().contains("maxDiameter"), range.getMessage());
		Exception none = assertThrows(Exception.class, () -> registry.configure("hough", Map.of()));
		assertTrue(none.getMessage().contains("unknown detector 'hough'"), none.getMessage());
	}
}
