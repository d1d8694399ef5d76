package org.nodulab.train;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.augment.AugmentationRegistry;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.eval.EnsembleCombinerRegistry;
import org.nodulab.eval.EvaluatorRegistry;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.WindowRegistry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The services a run needs ({@link ExperimentRunner.Tools}) for each installed compute backend: the one place the
 * command line, the job queue and the workbench get them from.
 */
@Component(service = RunServices.class)
public final class RunServices {

	@Reference
	private ExperimentValidator validator;
	@Reference
	private ArchitectureRegistry architectures;
	@Reference
	private AugmentationRegistry augmentations;
	@Reference
	private WindowRegistry windows;
	@Reference
	private VolumeReaderRegistry readers;
	@Reference
	private EvaluatorRegistry evaluators;
	@Reference
	private EnsembleCombinerRegistry combiners;
	@Reference(cardinality = ReferenceCardinality.AT_LEAST_ONE, policy = ReferencePolicy.DYNAMIC)
	private volatile List<ComputeBackend> backends;

	/** The backend an experiment gets without {@code training.backend}. */
	public static final String DEFAULT_BACKEND = "libtorch";

	public ExperimentValidator validator() {
		return validator;
	}

	/** With the default backend ({@value #DEFAULT_BACKEND} when installed, else the first). */
	public ExperimentRunner.Tools tools() {
		return tools(null);
	}

	/**
	 * With the backend of this id (null: the default).
	 *
	 * @throws IllegalArgumentException naming the installed backends when none has this id
	 */
	public ExperimentRunner.Tools tools(String backendId) {
		return new ExperimentRunner.Tools(validator, architectures, augmentations, windows, readers, evaluators, combiners, backend(backendId));
	}

	/** With the compute backend of this id, which must train (a predict-only backend such as onnxruntime is refused). */
	public ExperimentRunner.Tools trainingTools(String backendId) {
		ComputeBackend b = backend(backendId);
		if (!b.trains()) {
			throw new IllegalArgumentException("training.backend: " + b.id() + " predicts only (it scores finished runs with predict or screen --backend "
					+ b.id() + "); the backends that train: " + backends().stream().filter(ComputeBackend::trains).map(ComputeBackend::id).toList());
		}
		return tools(backendId);
	}

	/** The backend of this id (null: the default). */
	public ComputeBackend backend(String backendId) {
		List<ComputeBackend> all = backends();
		for (ComputeBackend b : all) {
			if (backendId == null || b.id().equals(backendId)) {
				return b;
			}
		}
		throw new IllegalArgumentException("no compute backend '" + backendId + "' is installed; installed: "
				+ all.stream().map(ComputeBackend::id).toList());
	}

	/** The installed backends, the default first. */
	public List<ComputeBackend> backends() {
		List<ComputeBackend> all = new ArrayList<>(backends);
		all.sort((a, b) -> a.id().equals(DEFAULT_BACKEND) ? -1 : b.id().equals(DEFAULT_BACKEND) ? 1 : a.id().compareTo(b.id()));
		return all;
	}
}
