package org.nodulab.augment.tests;

import org.nodulab.test.support.Osgi;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nodulab.augment.Augmentation;
import org.nodulab.augment.AugmentationRegistry;
import org.nodulab.augment.SpatialTransform;
import org.nodulab.augment.supplier.geometric.Axis;
import org.nodulab.augment.supplier.geometric.Flip;
import org.nodulab.augment.supplier.geometric.FlipSettings;
import org.nodulab.augment.supplier.geometric.Rotate;
import org.nodulab.augment.supplier.geometric.Rotate90;
import org.nodulab.augment.supplier.geometric.Rotate90Settings;
import org.nodulab.augment.supplier.geometric.RotateSettings;
import org.nodulab.augment.supplier.geometric.Scale;
import org.nodulab.augment.supplier.geometric.ScaleSettings;
import org.nodulab.augment.supplier.geometric.Translate;
import org.nodulab.augment.supplier.geometric.TranslateSettings;

class GeometricAugmentationTest {

	private static double det(double[] m) {
		return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
				+ m[2] * (m[3] * m[7] - m[4] * m[6]);
	}

	private static void assertOrthonormal(double[] m) {
		for (int i = 0; i < 3; i++) {
			for (int j = 0; j < 3; j++) {
				double dot = m[i] * m[j] + m[3 + i] * m[3 + j] + m[6 + i] * m[6 + j];
				assertEquals(i == j ? 1 : 0, dot, 1e-12);
			}
		}
	}

	@Test
	void rotate90HasFourExactRotationsAboutTheAxis() {
		Rotate90 rotate = new Rotate90();
		Rotate90Settings s = new Rotate90Settings();
		assertEquals(4, rotate.variants(s));
		assertTrue(rotate.variant(s, 0).isIdentity());
		// 90 degrees about z maps +x to +y exactly
		assertArrayEquals(new double[] { 0, 1, 0 }, rotate.variant(s, 1).apply(new double[] { 1, 0, 0 }), 0);
		assertArrayEquals(new double[] { 0, 0, 3 }, rotate.variant(s, 1).apply(new double[] { 0, 0, 3 }), 0);
		SpatialTransform r = rotate.variant(s, 1);
		assertTrue(r.after(r).after(r).after(r).isIdentity());
		Set<SpatialTransform> distinct = new HashSet<>();
		for (int k = 0; k < 4; k++) {
			distinct.add(rotate.variant(s, k));
			assertEquals(1, det(rotate.variant(s, k).linear()), 0);
		}
		assertEquals(4, distinct.size());
		s.axis = Axis.X;
		assertArrayEquals(new double[] { 0, 0, 1 }, rotate.variant(s, 1).apply(new double[] { 0, 1, 0 }), 0);
		assertThrows(IllegalArgumentException.class, () -> rotate.variant(s, 4));
	}

	@Test
	void translateHas27GridVariantsAndBoundedRandomShifts() {
		Translate translate = new Translate();
		TranslateSettings s = new TranslateSettings();
		s.step = 1.5;
		assertEquals(27, translate.variants(s));
		assertTrue(translate.variant(s, 0).isIdentity());
		Set<List<Double>> offsets = new HashSet<>();
		for (int k = 0; k < 27; k++) {
			double[] t = translate.variant(s, k).translation();
			for (double v : t) {
				assertTrue(v == 0 || v == 1.5 || v == -1.5);
			}
			offsets.add(List.of(t[0], t[1], t[2]));
		}
		assertEquals(27, offsets.size());
		SplittableRandom random = new SplittableRandom(5);
		for (int i = 0; i < 1000; i++) {
			for (double v : translate.draw(s, random).translation()) {
				assertTrue(Math.abs(v) <= 1.5);
			}
		}
	}

	@Test
	void translationsTimesRotationsGiveTheNotebooks108DistinctVariants() {
		Translate translate = new Translate();
		Rotate90 rotate = new Rotate90();
		TranslateSettings t = new TranslateSettings();
		Rotate90Settings r = new Rotate90Settings();
		Set<SpatialTransform> variants = new HashSet<>();
		for (int i = 0; i < translate.variants(t); i++) {
			for (int j = 0; j < rotate.variants(r); j++) {
				variants.add(translate.variant(t, i).after(rotate.variant(r, j)));
			}
		}
		assertEquals(108, variants.size());
	}

	@Test
	void compositionAppliesTheInnerTransformFirst() {
		SpatialTransform rotate = SpatialTransform.rotation(2, Math.PI / 2);
		SpatialTransform shift = SpatialTransform.translation(10, 0, 0);
		double[] o = { 1, 2, 3 };
		assertArrayEquals(shift.apply(rotate.apply(o)), shift.after(rotate).apply(o), 1e-12);
		assertArrayEquals(rotate.apply(shift.apply(o)), rotate.after(shift).apply(o), 1e-12);
		assertArrayEquals(new double[] { 8, 1, 3 }, shift.after(rotate).apply(o), 1e-12);
	}

	@Test
	void flipsMirrorOnlyTheEnabledAxes() {
		Flip flip = new Flip();
		FlipSettings s = new FlipSettings();
		assertEquals(4, flip.variants(s));
		assertTrue(flip.variant(s, 0).isIdentity());
		assertArrayEquals(new double[] { -1, 2, 3 }, flip.variant(s, 1).apply(new double[] { 1, 2, 3 }), 0);
		assertArrayEquals(new double[] { -1, -2, 3 }, flip.variant(s, 3).apply(new double[] { 1, 2, 3 }), 0);
		assertEquals(-1, det(flip.variant(s, 2).linear()), 0);
		SplittableRandom random = new SplittableRandom(1);
		for (int i = 0; i < 100; i++) {
			assertEquals(1, flip.draw(s, random).linear()[8], 0, "z must never flip with the defaults");
		}
	}

	@Test
	void randomRotationsAreProperRotationsWithinTheAngle() {
		Rotate rotate = new Rotate();
		RotateSettings s = new RotateSettings();
		s.maxDegrees = 30;
		SplittableRandom random = new SplittableRandom(11);
		double minTrace = 1 + 2 * Math.cos(Math.toRadians(30));
		for (int i = 0; i < 500; i++) {
			double[] m = rotate.draw(s, random).linear();
			assertOrthonormal(m);
			assertEquals(1, det(m), 1e-12);
			assertTrue(m[0] + m[4] + m[8] >= minTrace - 1e-12, "angle above 30 degrees");
		}
		s.axialOnly = true;
		double[] axial = rotate.draw(s, random).linear();
		assertArrayEquals(new double[] { 0, 0, 1 }, new double[] { axial[6], axial[7], axial[8] }, 1e-12);
		assertEquals(0, rotate.variants(s));
	}

	@Test
	void scaleStaysWithinItsBoundsAndDrawsAreRepeatable() {
		Scale scale = new Scale();
		ScaleSettings s = new ScaleSettings();
		SplittableRandom a = new SplittableRandom(3);
		SplittableRandom b = new SplittableRandom(3);
		for (int i = 0; i < 200; i++) {
			SpatialTransform x = scale.draw(s, a);
			assertEquals(x, scale.draw(s, b));
			double f = x.linear()[0];
			assertTrue(f >= 0.9 && f <= 1.1, "factor " + f);
		}
	}

	@Test
	void theContributionsLoadThroughTheRegistryWithTheirDefaults() throws Exception {
		AugmentationRegistry registry = Osgi.service(AugmentationRegistry.class);
		assertEquals(List.of("flip", "random-mask", "rotate", "rotate90", "scale", "translate"),
				registry.descriptors().stream().map(d -> d.id()).toList());
		assertTrue(registry.createInstance("random-mask") instanceof org.nodulab.augment.PairedAugmentation<?>,
				"random mask is a paired augmentation");
		@SuppressWarnings("unchecked")
		Augmentation<Object> rotate90 = registry.createInstance("rotate90");
		Object settings = registry.defaultSettings(registry.require("rotate90")).orElseThrow();
		assertEquals(4, rotate90.variants(settings));
		assertTrue(registry.problems().isEmpty(), registry.problems().toString());
	}
}
