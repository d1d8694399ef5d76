package org.nodulab.nn.backend.dl4j.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nodulab.nn.graph.Op;

/**
 * Central pooling of NCDHW volumes. A maximum over a box is the maximum along each axis in turn, so the
 * layer makes three one-axis passes (width, height, depth), each taking the maximum of every window.
 * Backprop routes each gradient to the first maximum of its window, pass by pass in reverse; the
 * forward intermediates are recomputed from the input rather than kept between the two.
 */
public class CentralPool3DLayer extends AbstractLayer<CentralPool3D> {

	private static final long serialVersionUID = 1L;

	public CentralPool3DLayer(NeuralNetConfiguration conf, DataType dataType) {
		super(conf, dataType);
	}

	private int[][] bins(INDArray in) {
		int[] out = layerConf().getOutput();
		return new int[][] { Op.CentralPool.bins((int) in.size(2), out[0]), Op.CentralPool.bins((int) in.size(3), out[1]),
				Op.CentralPool.bins((int) in.size(4), out[2]) };
	}

	@Override
	public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
		assertInputSet(false);
		return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, pool(input, layerConf().getOutput()));
	}

	/** Central pooling of an NCDHW array to {@code output} voxels (depth, height, width). */
	public static INDArray pool(INDArray in, int[] output) {
		INDArray x = pass(in, 4, Op.CentralPool.bins((int) in.size(4), output[2]));
		x = pass(x, 3, Op.CentralPool.bins((int) in.size(3), output[1]));
		return pass(x, 2, Op.CentralPool.bins((int) in.size(2), output[0]));
	}

	@Override
	public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
		assertInputSet(true);
		int[][] b = bins(input);
		INDArray afterWidth = pass(input, 4, b[2]);
		INDArray afterHeight = pass(afterWidth, 3, b[1]);
		INDArray g = backward(afterHeight, 2, b[0], epsilon);
		g = backward(afterWidth, 3, b[1], g);
		g = backward(input, 4, b[2], g);
		return new Pair<>(new DefaultGradient(), workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, g));
	}

	private static INDArrayIndex[] along(int axis, long from, long to) {
		INDArrayIndex[] index = new INDArrayIndex[5];
		for (int i = 0; i < 5; i++) {
			index[i] = i == axis ? NDArrayIndex.interval(from, to) : NDArrayIndex.all();
		}
		return index;
	}

	/** The maximum of each window {@code [b[j], b[j+1])} along {@code axis}. */
	static INDArray pass(INDArray in, int axis, int[] b) {
		INDArray[] parts = new INDArray[b.length - 1];
		for (int j = 0; j < parts.length; j++) {
			parts[j] = in.get(along(axis, b[j], b[j + 1])).max(true, axis);
		}
		return parts.length == 1 ? parts[0] : Nd4j.concat(axis, parts);
	}

	/** The gradient of {@link #pass}: each window's gradient goes to the first voxel holding its maximum. */
	static INDArray backward(INDArray in, int axis, int[] b, INDArray gradient) {
		INDArray out = Nd4j.zeros(in.dataType(), in.shape());
		for (int j = 0; j < b.length - 1; j++) {
			INDArray window = in.get(along(axis, b[j], b[j + 1]));
			INDArray max = window.max(true, axis);
			INDArray g = gradient.get(along(axis, j, j + 1));
			if (b[j + 1] - b[j] == 1) {
				out.get(along(axis, b[j], b[j + 1])).assign(g);
				continue;
			}
			INDArray taken = Nd4j.zeros(max.dataType(), max.shape());
			for (int k = b[j]; k < b[j + 1]; k++) {
				INDArray v = in.get(along(axis, k, k + 1));
				INDArray first = v.eq(max).castTo(max.dataType()).muli(taken.eq(0).castTo(max.dataType()));
				out.get(along(axis, k, k + 1)).assign(first.mul(g));
				taken.addi(first);
			}
		}
		return out;
	}

	@Override
	public boolean isPretrainLayer() {
		return false;
	}

	@Override
	public void clearNoiseWeightParams() {
		// no parameters
	}

	@Override
	public Type type() {
		return Type.CONVOLUTIONAL3D;
	}

	@Override
	public double calcRegularizationScore(boolean backpropParamsOnly) {
		return 0;
	}

	@Override
	public Layer clone() {
		return new CentralPool3DLayer(conf.clone(), dataType);
	}
}
