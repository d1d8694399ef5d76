package org.nodulab.nn.backend.libtorch;

import static org.bytedeco.pytorch.global.torch.cat;
import static org.bytedeco.pytorch.global.torch.constant_pad_nd;
import static org.bytedeco.pytorch.global.torch.zeros_like;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The 3D convolution as the libtorch backend runs it, public so that tests check it against a
 * double-precision reference.
 *
 * <p>Activations and convolution weights are kept channels-last ({@code NDHWC}, libtorch's
 * {@code ChannelsLast3d}; the tensors' logical shapes stay {@code [N, C, D, H, W]}). Found on this
 * machine (libtorch 2.10.0, oneDNN 3.x, AMD EPYC with AVX-512): oneDNN's convolutions on the default
 * layout go through blocked formats ({@code aBcde16b}) and give wrong results whenever a channel count is
 * not a multiple of the block (forward, input and weight gradients; errors up to the size of the values,
 * sometimes NaN), and with stride 2 even then; on channels-last they agree with a double-precision
 * reference for every channel count, stride and dilation tried. A one-channel activation has no
 * distinguishable channels-last layout, so a one-channel input whose gradient is needed (not the network's
 * input) is widened to two channels with a zero channel and zero weights; so is every one-channel bfloat16 input,
 * whose convolution oneDNN otherwise answers in a blocked layout, wrong in most shapes tried. (The presets return
 * enums such as {@code scalar_type()} as fresh objects: compare their {@code intern()}.)
 */
public final class TorchOps {

	private TorchOps() {
	}

	/** The tensor in the backend's layout: channels-last for 5-D tensors, unchanged otherwise. */
	public static Tensor layout(Tensor t) {
		return t.dim() == 5 ? t.contiguous(torch.MemoryFormat.ChannelsLast3d) : t;
	}

	/**
	 * A 3D convolution of {@code x [N, C, D, H, W]} with {@code w [O, C, kd, kh, kw]} and an optional bias;
	 * {@code pads} holds the zero padding before and after along depth, height and width (SAME padding may
	 * be uneven): the even part goes to the convolution, the rest is padded first.
	 */
	public static Tensor conv3d(Tensor x, Tensor w, Tensor bias, long[] stride, long[] dilation, long[][] pads) {
		long[] even = new long[3];
		long[][] extra = new long[3][2];
		for (int axis = 0; axis < 3; axis++) {
			even[axis] = Math.min(pads[axis][0], pads[axis][1]);
			extra[axis][0] = pads[axis][0] - even[axis];
			extra[axis][1] = pads[axis][1] - even[axis];
		}
		Tensor in = layout(pad(x, extra, 0));
		Tensor weights = w;
		if (in.sizes().get(1) == 1 && (in.requires_grad() || in.scalar_type().intern() == torch.ScalarType.BFloat16)) {
			in = layout(cat(new TensorVector(in, zeros_like(in)), 1));
			weights = layout(cat(new TensorVector(w, zeros_like(w)), 1));
		}
		// the output channels-last too: with a one-channel input libtorch cannot tell the layouts apart and
		// returns the default one, which would send every later operation through layout conversions
		return layout(torch.conv3d(in, weights, bias == null ? new TensorOptional() : new TensorOptional(bias), stride, even, dilation, 1));
	}

	/**
	 * {@code x [N, C, D, H, W]} padded with {@code value}: {@code pads} holds the voxels before and after
	 * along depth, height and width; {@code x} itself where there are none.
	 */
	public static Tensor pad(Tensor x, long[][] pads, double value) {
		long[] order = new long[6]; // constant_pad_nd's order: last axis first, before then after
		boolean any = false;
		for (int axis = 0; axis < 3; axis++) {
			int slot = 2 * (2 - axis);
			order[slot] = pads[axis][0];
			order[slot + 1] = pads[axis][1];
			any |= pads[axis][0] + pads[axis][1] > 0;
		}
		return any ? constant_pad_nd(x, order, new Scalar(value)) : x;
	}

	/**
	 * Average pooling without padding, {@code x [N, C, D, H, W]} in windows of {@code kernel} every
	 * {@code stride} voxels. libtorch's {@code avg_pool3d} has no channels-last kernel on the CPU: it converts
	 * its input to the default layout and its gradient back. Where the windows tile the volume (kernel equal
	 * to stride, at most 4, dividing each size) the pooling is the sum that nearest-neighbour upsampling's
	 * gradient computes, which runs on channels-last directly (about half the time per pooling). A depthwise
	 * convolution would be faster still, but oneDNN's depthwise input gradient is wrong on channels-last here.
	 */
	public static Tensor avgPool(Tensor x, long[] kernel, long[] stride) {
		boolean tiles = true;
		long[] sizes = new long[3];
		long[] out = { x.sizes().get(0), x.sizes().get(1), 0, 0, 0 };
		double volume = 1;
		for (int axis = 0; axis < 3; axis++) {
			sizes[axis] = x.sizes().get(2 + axis);
			tiles &= kernel[axis] == stride[axis] && kernel[axis] <= 4 && sizes[axis] % kernel[axis] == 0;
			out[2 + axis] = sizes[axis] / Math.max(1, kernel[axis]);
			volume *= kernel[axis];
		}
		if (!tiles) {
			return layout(torch.avg_pool3d(x, kernel, stride, new long[] { 0, 0, 0 }, false, true, new LongOptional()));
		}
		return layout(torch.upsample_nearest3d_backward(layout(x), sizes, out).mul(new Scalar(1 / volume)));
	}
}
