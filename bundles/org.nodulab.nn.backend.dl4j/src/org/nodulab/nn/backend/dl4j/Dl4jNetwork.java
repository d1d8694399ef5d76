package org.nodulab.nn.backend.dl4j;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nodulab.nn.Tensor;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nodulab.core.experiment.TrainingSettings;
import org.nodulab.nn.Batch;
import org.nodulab.nn.TrainableNetwork;
import org.nodulab.nn.graph.NetworkGraph;
import org.nodulab.nn.graph.Op;
import org.nodulab.nn.graph.Shape;

/** A network compiled to a DL4J {@link ComputationGraph}. */
final class Dl4jNetwork implements TrainableNetwork {

	private final NetworkGraph graph;
	private final ComputationGraph net;
	private final TrainingSettings training;
	private final boolean softmax;
	/** Whether the graph has dilated convolutions, which oneDNN cannot run (see {@link #withoutOneDnn}). */
	private final boolean dilated;

	Dl4jNetwork(NetworkGraph graph, ComputationGraph net, TrainingSettings training) {
		this.graph = graph;
		this.net = net;
		this.training = training;
		this.softmax = graph.classifier().output() == Op.Classifier.Output.SOFTMAX;
		this.dilated = graph.nodes().stream().anyMatch(n -> n.op() instanceof Op.Conv3d c
				&& (c.dilation()[0] > 1 || c.dilation()[1] > 1 || c.dilation()[2] > 1));
	}

	/**
	 * ND4J's oneDNN build cannot run dilated 3D convolutions ("could not create a descriptor for a
	 * dilated convolution forward propagation primitive") and its only switch is process-wide, so a
	 * network with dilated convolutions turns oneDNN off while it computes (its convolutions then run
	 * on ND4J's slower built-in code) and back on afterwards. One training job runs per device, so no
	 * other network computes meanwhile.
	 */
	private <T> T withoutOneDnn(java.util.function.Supplier<T> work) {
		if (!dilated) {
			return work.get();
		}
		synchronized (Dl4jNetwork.class) {
			org.nd4j.linalg.factory.Environment env = Nd4j.getEnvironment();
			boolean before = env.helpersAllowed();
			env.allowHelpers(false);
			try {
				return work.get();
			} finally {
				env.allowHelpers(before);
			}
		}
	}

	@Override
	public NetworkGraph graph() {
		return graph;
	}

	ComputationGraph computationGraph() {
		return net;
	}

	@Override
	public double fit(Batch batch) {
		if (batch.labels() == null) {
			throw new IllegalArgumentException("training needs labels");
		}
		INDArray[] features = features(batch);
		INDArray labels;
		if (softmax) {
			float[] oneHot = new float[batch.size() * 2];
			for (int i = 0; i < batch.size(); i++) {
				oneHot[2 * i + (batch.labels()[i] >= 0.5f ? 1 : 0)] = 1f;
			}
			labels = Nd4j.create(oneHot, new long[] { batch.size(), 2 }, 'c');
		} else {
			labels = Nd4j.create(batch.labels(), new long[] { batch.size(), 1 }, 'c');
		}
		MultiDataSet data = new MultiDataSet(features, new INDArray[] { labels });
		double loss = withoutOneDnn(() -> {
			// DL4J's score includes the L2 penalty of the weights before the update; report the data loss alone
			double penalty = net.calcRegularizationScore(true);
			net.fit(data);
			return net.score() - penalty;
		});
		NativeGarbage.PROCESS.collectIfGrown();
		return loss;
	}

	@Override
	public float[] predict(Batch batch) {
		INDArray[] features = features(batch);
		INDArray out = withoutOneDnn(() -> net.outputSingle(false, features));
		INDArray column = out.getColumn(softmax ? 1 : 0);
		float[] scores = column.toFloatVector();
		NativeGarbage.PROCESS.collectIfGrown();
		return scores;
	}

	private INDArray[] features(Batch batch) {
		List<Shape> shapes = graph.inputShapes();
		batch.check(shapes);
		INDArray[] arrays = new INDArray[shapes.size()];
		for (int i = 0; i < shapes.size(); i++) {
			Shape s = shapes.get(i);
			arrays[i] = Nd4j.create(batch.inputs().get(i),
					new long[] { batch.size(), s.channels(), s.depth(), s.height(), s.width() }, 'c');
		}
		return arrays;
	}

	@Override
	public void reseed(long seed) {
		Nd4j.getRandom().setSeed(seed);
	}

	@Override
	public void endEpoch() {
		net.incrementEpochCount();
	}

	@Override
	public int epoch() {
		return net.getConfiguration().getEpochCount();
	}

	@Override
	public double learningRate() {
		return training.learningRate * Math.pow(training.lrDecay, epoch());
	}

	@Override
	public long parameterCount() {
		return net.numParams();
	}

	@Override
	public Map<String, Tensor> parameters() {
		Map<String, Tensor> out = new LinkedHashMap<>();
		for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
			INDArray a = e.getValue();
			out.put(e.getKey(), new Tensor(a.shape(), a.castTo(DataType.FLOAT).dup('c').ravel().toFloatVector()));
		}
		return out;
	}

	@Override
	public void setParameters(Map<String, Tensor> values) {
		Map<String, INDArray> table = net.paramTable();
		for (Map.Entry<String, Tensor> e : values.entrySet()) {
			INDArray target = table.get(e.getKey());
			if (target == null || !Arrays.equals(target.shape(), e.getValue().shape())) {
				throw new IllegalArgumentException("no parameter array " + e.getKey() + " of shape "
						+ Arrays.toString(e.getValue().shape()) + " in " + graph.name());
			}
			target.assign(Nd4j.create(e.getValue().values(), e.getValue().shape(), 'c').castTo(target.dataType()));
		}
	}

	@Override
	public void save(OutputStream out) throws IOException {
		java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
		ModelSerializer.writeModel(net, zip, true);
		canonicalZip(zip.toByteArray(), out);
	}

	/**
	 * Rewrites DL4J's model zip with fixed entry times (DL4J stamps the current time), so the same
	 * network and optimiser state always give the same bytes: a checkpoint's hash identifies its model.
	 */
	static void canonicalZip(byte[] zip, OutputStream out) throws IOException {
		java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(out);
		try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
			for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null;) {
				java.util.zip.ZipEntry copy = new java.util.zip.ZipEntry(e.getName());
				copy.setTime(315532800000L); // 1980-01-01, the zip format's epoch
				z.putNextEntry(copy);
				in.transferTo(z);
				z.closeEntry();
			}
		}
		z.finish(); // the caller owns the stream
		z.flush();
	}

	@Override
	public void close() {
		net.close();
	}
}
