package org.nodulab.nn.backend.dl4j.layers;

import java.util.Arrays;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Views a volume batch {@code [N, C, D, H, W]} as an image batch {@code [N, C, D, H*W]} (to 4D) or
 * back (to 5D). DL4J's batch normalisation, depthwise scaling and channel merge are correct on images
 * but fail on 5D data in backprop; around this reshape they compute exactly what they should per
 * channel (statistics over N, D, H and W; one factor per channel; concatenation along C). The
 * gradient is the inverse reshape.
 */
public class VolumeReshape implements InputPreProcessor {

	private static final long serialVersionUID = 1L;

	private final boolean toImage;
	private final long channels;
	private final long depth;
	private final long height;
	private final long width;

	/**
	 * @param toImage true: 5D to 4D; false: 4D to 5D
	 */
	@JsonCreator
	public VolumeReshape(@JsonProperty("toImage") boolean toImage, @JsonProperty("channels") long channels,
			@JsonProperty("depth") long depth, @JsonProperty("height") long height, @JsonProperty("width") long width) {
		this.toImage = toImage;
		this.channels = channels;
		this.depth = depth;
		this.height = height;
		this.width = width;
	}

	@JsonProperty("toImage")
	public boolean isToImage() {
		return toImage;
	}

	@JsonProperty("channels")
	public long getChannels() {
		return channels;
	}

	@JsonProperty("depth")
	public long getDepth() {
		return depth;
	}

	@JsonProperty("height")
	public long getHeight() {
		return height;
	}

	@JsonProperty("width")
	public long getWidth() {
		return width;
	}

	private long[] volume(long n) {
		return new long[] { n, channels, depth, height, width };
	}

	private long[] image(long n) {
		return new long[] { n, channels, depth, height * width };
	}

	@Override
	public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
		return reshape(input, toImage, ArrayType.ACTIVATIONS, workspaceMgr);
	}

	@Override
	public INDArray backprop(INDArray epsilons, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
		return reshape(epsilons, !toImage, ArrayType.ACTIVATION_GRAD, workspaceMgr);
	}

	private INDArray reshape(INDArray in, boolean image, ArrayType type, LayerWorkspaceMgr workspaceMgr) {
		long n = in.size(0);
		long[] expected = image ? volume(n) : image(n);
		if (!Arrays.equals(in.shape(), expected)) {
			throw new IllegalStateException("VolumeReshape: expected " + Arrays.toString(expected) + ", got "
					+ Arrays.toString(in.shape()));
		}
		INDArray source = Shape.hasDefaultStridesForShape(in) ? in : workspaceMgr.dup(type, in, 'c');
		return workspaceMgr.leverageTo(type, source.reshape('c', image ? image(n) : volume(n)));
	}

	@Override
	public VolumeReshape clone() {
		return new VolumeReshape(toImage, channels, depth, height, width);
	}

	@Override
	public InputType getOutputType(InputType inputType) {
		return toImage ? InputType.convolutional(depth, height * width, channels, CNN2DFormat.NCHW)
				: InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, depth, height, width, channels);
	}

	@Override
	public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState, int minibatchSize) {
		return new Pair<>(maskArray, currentMaskState);
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof VolumeReshape r && r.toImage == toImage && r.channels == channels && r.depth == depth
				&& r.height == height && r.width == width;
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(new long[] { toImage ? 1 : 0, channels, depth, height, width });
	}

	@Override
	public String toString() {
		return "VolumeReshape(" + (toImage ? "5D->4D" : "4D->5D") + ", C=" + channels + ", D=" + depth + ", H=" + height
				+ ", W=" + width + ")";
	}
}
