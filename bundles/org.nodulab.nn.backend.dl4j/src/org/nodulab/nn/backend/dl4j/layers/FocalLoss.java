package org.nodulab.nn.backend.dl4j.layers;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Focal loss (Lin et al. 2017) for a one-unit sigmoid or a two-unit softmax output:
 * {@code -a_t (1 - p_t)^gamma log p_t}, with {@code p_t} the probability given to the true class and
 * {@code a_t = alpha} for nodules, {@code 1 - alpha} otherwise. With gamma 0 and alpha 1/2 it is half the
 * cross-entropy. The gradient goes through the output activation's own backprop.
 */
public class FocalLoss implements ILossFunction {

	private static final long serialVersionUID = 1L;
	private static final double EPS = 1e-7;

	@JsonProperty("gamma")
	private double gamma;
	@JsonProperty("alpha")
	private double alpha;

	public FocalLoss() {
		this(2.0, 0.5);
	}

	public FocalLoss(@JsonProperty("gamma") double gamma, @JsonProperty("alpha") double alpha) {
		this.gamma = gamma;
		this.alpha = alpha;
	}

	/** Per sample: the loss, and d loss / d probabilities in the output's layout. */
	private double[][] lossAndDerivative(INDArray labels, INDArray probabilities, double[] perSample) {
		double[][] y = labels.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
		double[][] p = probabilities.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
		int n = p.length;
		int columns = p[0].length;
		double[][] d = new double[n][columns];
		for (int i = 0; i < n; i++) {
			if (columns == 1) {
				boolean nodule = y[i][0] >= 0.5;
				double pt = clamp(nodule ? p[i][0] : 1 - p[i][0]);
				double at = nodule ? alpha : 1 - alpha;
				perSample[i] = -at * Math.pow(1 - pt, gamma) * Math.log(pt);
				double dpt = dLossDpt(pt, at);
				d[i][0] = nodule ? dpt : -dpt;
			} else {
				double loss = 0;
				for (int c = 0; c < columns; c++) {
					if (y[i][c] <= 0) {
						continue;
					}
					double pc = clamp(p[i][c]);
					double ac = c == columns - 1 ? alpha : 1 - alpha;
					loss += -y[i][c] * ac * Math.pow(1 - pc, gamma) * Math.log(pc);
					d[i][c] = y[i][c] * dLossDpt(pc, ac);
				}
				perSample[i] = loss;
			}
		}
		return d;
	}

	private double dLossDpt(double pt, double at) {
		double grad = -Math.pow(1 - pt, gamma) / pt;
		if (gamma != 0) {
			grad += gamma * Math.pow(1 - pt, gamma - 1) * Math.log(pt);
		}
		return at * grad;
	}

	private static double clamp(double p) {
		return Math.min(1 - EPS, Math.max(EPS, p));
	}

	private static double[] maskOf(INDArray mask, long n) {
		double[] m = new double[(int) n];
		if (mask == null) {
			java.util.Arrays.fill(m, 1);
		} else {
			INDArray column = mask.rank() == 2 && mask.size(1) > 1 ? mask.getColumn(0) : mask;
			double[] v = column.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
			System.arraycopy(v, 0, m, 0, m.length);
		}
		return m;
	}

	@Override
	public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
		INDArray p = activationFn.getActivation(preOutput.dup(), true);
		double[] loss = new double[(int) p.size(0)];
		lossAndDerivative(labels, p, loss);
		double[] m = maskOf(mask, loss.length);
		for (int i = 0; i < loss.length; i++) {
			loss[i] *= m[i];
		}
		return Nd4j.create(loss, new long[] { loss.length, 1 }, 'c').castTo(preOutput.dataType());
	}

	@Override
	public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
			boolean average) {
		double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
		return average ? sum / preOutput.size(0) : sum;
	}

	@Override
	public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
		INDArray p = activationFn.getActivation(preOutput.dup(), true);
		double[] loss = new double[(int) p.size(0)];
		double[][] d = lossAndDerivative(labels, p, loss);
		double[] m = maskOf(mask, loss.length);
		for (int i = 0; i < d.length; i++) {
			for (int c = 0; c < d[i].length; c++) {
				d[i][c] *= m[i];
			}
		}
		INDArray dLdp = Nd4j.create(d).castTo(preOutput.dataType());
		return activationFn.backprop(preOutput.dup(), dLdp).getFirst();
	}

	@Override
	public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
			INDArray mask, boolean average) {
		return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
				computeGradient(labels, preOutput, activationFn, mask));
	}

	@Override
	public String name() {
		return toString();
	}

	@Override
	public String toString() {
		return "FocalLoss(gamma=" + gamma + ", alpha=" + alpha + ")";
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof FocalLoss f && f.gamma == gamma && f.alpha == alpha;
	}

	@Override
	public int hashCode() {
		return Double.hashCode(gamma) * 31 + Double.hashCode(alpha);
	}
}
