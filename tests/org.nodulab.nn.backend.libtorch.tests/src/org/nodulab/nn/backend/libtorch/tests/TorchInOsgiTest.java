package org.nodulab.nn.backend.libtorch.tests;

import static org.bytedeco.pytorch.global.torch.conv3d;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.junit.jupiter.api.Test;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.nn.backend.libtorch.TorchRuntime;
import org.nodulab.test.support.Osgi;

/**
 * libtorch (JavaCPP 1.5.13) and DL4J (JavaCPP 1.5.7) in one OSGi runtime: each bundle keeps its JavaCPP,
 * both compute, in either order.
 */
class TorchInOsgiTest {

	@Test
	void libtorchComputesBesideDl4jEachWithItsOwnJavaCpp() throws Exception {
		ComputeBackend dl4j = Osgi.service(ComputeBackend.class);
		assertEquals("dl4j", dl4j.id());
		Map<String, String> dl4jFacts = dl4j.describe(); // starts ND4J first

		TorchRuntime.start();
		Map<String, String> torchFacts = TorchRuntime.describe();
		assertEquals("1.5.13", torchFacts.get("javacpp"), torchFacts.toString());
		assertTrue(torchFacts.get("libtorch").startsWith("2.10.0"), torchFacts.toString());
		assertTrue(org.bytedeco.javacpp.Loader.class.getClassLoader() != dl4j.getClass().getClassLoader(), "two JavaCPPs");

		manual_seed(1);
		Tensor x = randn(2, 1, 12, 12, 12);
		Tensor w = randn(4, 1, 3, 3, 3);
		w.requires_grad_(true);
		Tensor y = conv3d(x, w, new TensorOptional(), new long[] { 1, 1, 1 }, "same", new long[] { 2, 2, 2 }, 1);
		Tensor s = y.sum();
		s.backward();
		assertEquals("[2, 4, 12, 12, 12]", Arrays.toString(y.sizes().vec().get()));
		assertTrue(w.grad().abs().sum().item_float() > 0, "a gradient");

		// and DL4J still computes afterwards
		assertEquals(dl4jFacts.get("backend"), dl4j.describe().get("backend"));
	}
}
