package org.nodulab.nn.backend.libtorch;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import static org.bytedeco.pytorch.global.torch.empty;

/** Copies between Java arrays and libtorch float tensors. */
final class Tensors {

	private Tensors() {
	}

	static Tensor of(float[] values, long... shape) {
		Tensor t = empty(shape);
		FloatPointer p = t.data_ptr_float();
		p.put(values, 0, values.length);
		return t;
	}

	static float[] values(Tensor t) {
		Tensor c = t.detach().cpu().contiguous();
		float[] out = new float[(int) c.numel()];
		c.data_ptr_float().get(out, 0, out.length);
		return out;
	}

	static long[] shape(Tensor t) {
		return t.sizes().vec().get();
	}
}
