package org.nodulab.nn.backend.dl4j;

import java.util.List;

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

	Dl4jNetwork(NetworkGraph graph, ComputationGraph net, TrainingSettings training) {
		this.graph = graph;
		this.net = net;
		this.training = training;
		this.softmax = graph.classifier().output() == Op.Classifier.Output.SOFTMAX;
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
		net.fit(new MultiDataSet(features, new INDArray[] { labels }));
		// DL4J's score includes the L2 penalty; report the data loss alone
		return net.score() - net.calcRegularizationScore(true);
	}

	@Override
	public float[] predict(Batch batch) {
		INDArray out = net.outputSingle(false, features(batch));
		INDArray column = out.getColumn(softmax ? 1 : 0);
		return column.toFloatVector();
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
	public void close() {
		net.close();
	}
}
