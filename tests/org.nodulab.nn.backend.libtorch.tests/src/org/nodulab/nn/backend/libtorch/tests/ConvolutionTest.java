package org.nodulab.nn.backend.libtorch.tests;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.nodulab.nn.backend.libtorch.TorchOps;
import org.nodulab.nn.backend.libtorch.TorchRuntime;

/**
 * The backend's 3D convolution (oneDNN, channels-last) against libtorch's own kernels in double precision:
 * output, input gradient, weight and bias gradients for channel counts that are and are not multiples of
 * oneDNN's block of 16, strides 1 and 2, dilations 1 and 2, even and uneven padding. On the default layout
 * oneDNN gets most of these wrong on this machine (see {@link TorchOps}); this test is what keeps the layout.
 */
class ConvolutionTest {

	private record Result(Tensor y, Tensor dx, Tensor dw, Tensor db) {
	}

	private static Result run(Tensor x0, Tensor w0, Tensor b0, long[] stride, long[] dilation, long[][] pads, boolean layout) {
		Tensor x = (layout ? TorchOps.layout(x0) : x0).detach().clone().requires_grad_(true);
		Tensor w = (layout ? TorchOps.layout(w0) : w0).detach().clone().requires_grad_(true);
		Tensor b = b0.detach().clone().requires_grad_(true);
		Tensor y = TorchOps.conv3d(x, w, b, stride, dilation, pads);
		y.sin().sum().backward(); // a smooth loss: gradients do not jump where an output crosses zero
		return new Result(y.contiguous(), x.grad().contiguous(), w.grad().contiguous(), b.grad().contiguous());
	}

	private static double relative(Tensor got, Tensor reference) {
		return got.to(torch.ScalarType.Double).sub(reference).abs().max().item_double() / Math.max(1e-12, reference.abs().max().item_double());
	}

	@Test
	void convolutionsAgreeWithADoublePrecisionReference() throws Exception {
		List<String> wrong = wrong(torch.ScalarType.Float, 1e-4);
		assertTrue(wrong.size() == 1 && wrong.get(0).startsWith("0 of 144"), String.join("; ", wrong));
	}

	/**
	 * The same in bfloat16 (training.precision and predict --precision bfloat16): against the double-precision
	 * convolution of the same bfloat16-rounded inputs, within bfloat16's own rounding of the results (5e-2 of the
	 * largest value: 8 significant bits, a few units of the last place after sums with cancellation; the wrong results
	 * below were off by the size of the values). oneDNN's bfloat16 convolution of a one-channel input left in its
	 * blocked layout is wrong in some shapes; {@code TorchOps.conv3d} widens every one-channel bfloat16 input to two
	 * channels, with or without a gradient (the network's input has none).
	 */
	@Test
	void bfloat16ConvolutionsAgreeWithADoublePrecisionReference() throws Exception {
		List<String> wrong = wrong(torch.ScalarType.BFloat16, 5e-2);
		assertTrue(wrong.size() == 1 && wrong.get(0).startsWith("0 of 144"), String.join("; ", wrong));
		List<String> forward = new ArrayList<>();
		for (int side : new int[] { 8, 9, 24 }) {
			for (int out : new int[] { 4, 6, 12, 32 }) {
				for (int k : new int[] { 1, 3 }) {
					try (PointerScope scope = new PointerScope()) {
						Tensor x = randn(4, 1, side, side, side).to(torch.ScalarType.BFloat16);
						Tensor w = randn(out, 1, k, k, k).mul(new Scalar(1 / Math.sqrt(k * k * k))).to(torch.ScalarType.BFloat16);
						Tensor b = randn(out).to(torch.ScalarType.BFloat16);
						long[][] pads = k == 1 ? new long[3][2] : new long[][] { { 1, 1 }, { 1, 1 }, { 1, 1 } };
						long[] ones = { 1, 1, 1 };
						Tensor ref = TorchOps.conv3d(x.to(torch.ScalarType.Double), w.to(torch.ScalarType.Double), b.to(torch.ScalarType.Double),
								ones, ones, pads).contiguous();
						Tensor got = TorchOps.conv3d(TorchOps.layout(x), TorchOps.layout(w), b, ones, ones, pads).contiguous();
						double e = relative(got, ref);
						if (!(e <= 5e-2)) {
							forward.add(String.format("%d^3 1->%d k%d: y %.1g", side, out, k, e));
						}
					}
				}
			}
		}
		assertTrue(forward.isEmpty(), "one-channel bfloat16 inputs without a gradient: " + forward);
	}

	/** A first line "N of M convolutions differ" and then the cases that differ by more than {@code tolerance}. */
	private static List<String> wrong(torch.ScalarType type, double tolerance) throws Exception {
		TorchRuntime.start();
		assertTrue(torch.globalContext().userEnabledMkldnn(), "the backend runs with oneDNN");
		manual_seed(17);
		List<String> wrong = new ArrayList<>();
		int cases = 0;
		long[][] even = { { 1, 1 }, { 1, 1 }, { 1, 1 } };
		long[][] uneven = { { 0, 1 }, { 1, 1 }, { 1, 2 } };
		for (int in : new int[] { 1, 4, 12, 16, 20, 24, 40, 48 }) {
			for (int out : new int[] { 4, 12, 24 }) {
				for (int[] sd : new int[][] { { 1, 1 }, { 2, 1 }, { 1, 2 } }) {
					for (int k : new int[] { 1, 3 }) {
						try (PointerScope scope = new PointerScope()) {
							long s = sd[0];
							long d = sd[1];
							long[][] pads = k == 1 ? new long[3][2] : s == 2 ? uneven : new long[][] { { d, d }, { d, d }, { d, d } };
							if (k == 3 && s == 1 && d == 1 && in % 2 == 0) {
								pads = even;
							}
							Tensor x = randn(3, in, 9, 10, 11).to(type);
							Tensor w = randn(out, in, k, k, k).mul(new Scalar(1 / Math.sqrt(in * k * k * k))).to(type);
							Tensor b = randn(out).to(type);
							Result ref = run(x.to(torch.ScalarType.Double), w.to(torch.ScalarType.Double), b.to(torch.ScalarType.Double),
									new long[] { s, s, s }, new long[] { d, d, d }, pads, false);
							Result got = run(x, w, b, new long[] { s, s, s }, new long[] { d, d, d }, pads, true);
							double[] e = { relative(got.y, ref.y), relative(got.dx, ref.dx), relative(got.dw, ref.dw), relative(got.db, ref.db) };
							cases++;
							if (Math.max(Math.max(e[0], e[1]), Math.max(e[2], e[3])) > tolerance || Double.isNaN(e[0] + e[1] + e[2] + e[3])) {
								wrong.add(String.format("%d->%d k%d s%d d%d: y %.1g dx %.1g dw %.1g db %.1g", in, out, k, s, d, e[0], e[1], e[2], e[3]));
							}
						}
					}
				}
			}
		}
		wrong.add(0, wrong.size() + " of " + cases + " convolutions in " + type + " differ from the reference");
		return wrong;
	}

	/**
	 * The backend's average pooling (a channels-last path where the windows tile the volume, libtorch's
	 * {@code avg_pool3d} elsewhere) against {@code avg_pool3d} in double precision: output, layout and input
	 * gradient.
	 */
	@Test
	void averagePoolingAgreesWithLibtorchsOwnInDoublePrecision() throws Exception {
		TorchRuntime.start();
		manual_seed(19);
		List<String> wrong = new ArrayList<>();
		int cases = 0;
		for (int channels : new int[] { 1, 3, 16, 20, 48 }) {
			for (long[] ks : new long[][] { { 2, 2 }, { 3, 3 }, { 4, 4 }, { 3, 2 }, { 2, 1 } }) {
				for (long[] shape : new long[][] { { 3, channels, 12, 24, 36 }, { 3, channels, 8, 9, 10 } }) {
					try (PointerScope scope = new PointerScope()) {
						long[] kernel = { ks[0], ks[0], ks[0] };
						long[] stride = { ks[1], ks[1], ks[1] };
						Tensor x = randn(shape);
						Tensor xd = x.to(torch.ScalarType.Double).detach().requires_grad_(true);
						Tensor ref = torch.avg_pool3d(xd, kernel, stride, new long[] { 0, 0, 0 }, false, true, new LongOptional());
						ref.sin().sum().backward();
						Tensor xf = TorchOps.layout(x).detach().requires_grad_(true);
						Tensor got = TorchOps.avgPool(xf, kernel, stride);
						got.sin().sum().backward();
						cases++;
						boolean sizes = Arrays.equals(got.sizes().vec().get(), ref.sizes().vec().get());
						double ey = sizes ? relative(got.contiguous(), ref.detach()) : Double.NaN;
						double edx = relative(xf.grad().contiguous(), xd.grad());
						boolean last = got.is_contiguous(torch.MemoryFormat.ChannelsLast3d);
						if (!sizes || !(Math.max(ey, edx) <= 1e-5) || !last) {
							wrong.add(String.format("%s kernel %d stride %d: sizes %s, y %.1g dx %.1g, channels-last %s", Arrays.toString(shape), ks[0],
									ks[1], sizes, ey, edx, last));
						}
					}
				}
			}
		}
		assertTrue(wrong.isEmpty(), wrong.size() + " of " + cases + " poolings differ from the reference: " + wrong);
	}
}
