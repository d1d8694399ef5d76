package org.nodulab.core.experiment;

import org.nodulab.core.settings.SelfValidating;

import org.nodulab.core.settings.Range;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Optimisation of the network(s). */
@JsonPropertyOrder({ "backend", "precision", "optimizer", "learningRate", "momentum", "adamBeta1", "adamBeta2", "lrDecay", "epochs",
		"batchSize", "weightInit", "l2", "l2Biases", "loss", "focalGamma", "focalAlpha", "earlyStoppingPatience", "initFrom", "hardMining" })
public class TrainingSettings implements SelfValidating {

	public enum Optimizer {
		ADAM, SGD
	}

	/** How convolution and dense weights start (biases start at 0, batch norm at identity, PReLU slopes at 0.25). */
	public enum WeightInit {
		/** He: normal with variance 2 / fan-in (the default; Keras's he_normal without truncation). */
		HE_NORMAL,
		/** He: uniform on +-sqrt(6 / fan-in). */
		HE_UNIFORM,
		/** Glorot/Xavier: normal with variance 2 / (fan-in + fan-out). */
		XAVIER_NORMAL,
		/** Glorot/Xavier: uniform on +-sqrt(6 / (fan-in + fan-out)) (Keras's default, glorot_uniform). */
		XAVIER_UNIFORM
	}

	public enum Loss {
		/** Binary cross-entropy (categorical cross-entropy for a softmax output). */
		BCE,
		/** Focal loss: cross-entropy weighted by (1 - p_true)^gamma, with class weight alpha for nodules. */
		FOCAL
	}

	@JsonPropertyDescription("Compute backend that trains the network: libtorch (the default) or dl4j")
	public String backend = "libtorch";

	@JsonPropertyDescription("What the network trains in: float32 (the default), or bfloat16 (libtorch on the CPU only: the forward and backward passes in bfloat16, the weights, their updates and the batch-norm statistics in float32; about 1.4x faster where the CPU has AVX-512 BF16, and a different run from float32's, repeatable for its seed)")
	public Precision precision = Precision.FLOAT32;

	@JsonPropertyDescription("adam, or sgd with Nesterov momentum")
	public Optimizer optimizer = Optimizer.ADAM;

	@Range(min = 0, max = 1, minExclusive = true)
	@JsonPropertyDescription("Initial learning rate (0.001 in the notebook; 0.0002-0.0001 for fine-tuning)")
	public double learningRate = 0.001;

	@Range(min = 0, max = 1, maxExclusive = true)
	@JsonPropertyDescription("Momentum for sgd")
	public double momentum = 0.9;

	@Range(min = 0, max = 1, maxExclusive = true)
	@JsonPropertyDescription("Adam's first-moment decay (beta_1)")
	public double adamBeta1 = 0.9;

	@Range(min = 0, max = 1, maxExclusive = true)
	@JsonPropertyDescription("Adam's second-moment decay (beta_2; DenseBtNet's recipe, D40, used 0.99)")
	public double adamBeta2 = 0.999;

	@Range(min = 0, max = 1, minExclusive = true)
	@JsonPropertyDescription("Learning rate factor applied after each epoch (0.9 in the notebook; 0.7 for fine-tuning)")
	public double lrDecay = 0.9;

	@Range(min = 0, max = 10000)
	@JsonPropertyDescription("Number of epochs; 0 with initFrom evaluates that model as it is (no training), under this experiment's evaluation settings")
	public int epochs = 10;

	@Range(min = 1, max = 4096)
	@JsonPropertyDescription("Samples per batch")
	public int batchSize = 16;

	@JsonPropertyDescription("Initialisation of convolution and dense weights: he_normal, he_uniform, xavier_normal, xavier_uniform (Keras's default)")
	public WeightInit weightInit = WeightInit.HE_NORMAL;

	@Range(min = 0, max = 1)
	@JsonPropertyDescription("L2 penalty on convolution and dense weights; the notebook tried 0.01-0.1 (D24, D25) and 0.0008 (D40)")
	public double l2 = 0.0;

	@JsonPropertyDescription("Also put the L2 penalty on the convolution and dense biases (D24 did; D25 took it off again)")
	public boolean l2Biases = false;

	@JsonPropertyDescription("Loss function: bce (binary cross-entropy) or focal")
	public Loss loss = Loss.BCE;

	@Range(min = 0, max = 10)
	@JsonPropertyDescription("Focusing exponent of the focal loss (2 in Lin et al.)")
	public double focalGamma = 2.0;

	@Range(min = 0, max = 1, minExclusive = true, maxExclusive = true)
	@JsonPropertyDescription("Weight of the nodule class in the focal loss (the other class gets 1 - alpha)")
	public double focalAlpha = 0.5;

	@Range(min = 0, max = 1000)
	@JsonPropertyDescription("Stop after this many epochs without a better validation CPM; 0: never stop early")
	public int earlyStoppingPatience = 0;

	@JsonPropertyDescription("Fine-tune: start from this model instead of fresh weights, as <run folder>/<model>@<epoch> or a run folder (its best model); arrays whose name and shape match are copied (transfer across input sizes), the optimiser starts afresh with these settings. Relative to the runs folder.")
	public String initFrom;

	public HardMiningSettings hardMining = new HardMiningSettings();

	@Override
	public void validate(ProblemSink problems) {
		if (precision == Precision.BFLOAT16 && !"libtorch".equals(backend)) {
			problems.add("precision", "bfloat16 trains on libtorch only, not on " + backend + " (set training.backend: libtorch, or precision: float32)");
		}
		if (initFrom != null && initFrom.isBlank()) {
			problems.add("initFrom", "must name a model (<run>/<model>@<epoch>) or be left out");
		}
		if (epochs == 0 && initFrom == null) {
			problems.add("epochs", "0 epochs trains nothing and there is no model to evaluate: name one with initFrom "
					+ "(<run>/<model>@<epoch>; in a campaign, the variant's 'from'), or train for 1 epoch or more");
		}
	}
}
