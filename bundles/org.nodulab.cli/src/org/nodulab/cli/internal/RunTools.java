package org.nodulab.cli.internal;

import org.nodulab.augment.AugmentationRegistry;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.eval.EvaluatorRegistry;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.train.ExperimentRunner;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.WindowRegistry;

/** The services runs need, looked up for a command. */
final class RunTools {

	private RunTools() {
	}

	/** With the default (highest-ranked) compute backend. */
	static ExperimentRunner.Tools of(Services services) {
		return with(services, services.get(ComputeBackend.class));
	}

	/** With the compute backend of this id. */
	static ExperimentRunner.Tools of(Services services, String backendId) {
		java.util.List<ComputeBackend> all = services.all(ComputeBackend.class);
		for (ComputeBackend b : all) {
			if (b.id().equals(backendId)) {
				return with(services, b);
			}
		}
		throw new IllegalArgumentException("no compute backend '" + backendId + "' is installed; installed: "
				+ all.stream().map(ComputeBackend::id).toList());
	}

	private static ExperimentRunner.Tools with(Services services, ComputeBackend backend) {
		return new ExperimentRunner.Tools(services.get(ExperimentValidator.class), services.get(ArchitectureRegistry.class),
				services.get(AugmentationRegistry.class), services.get(WindowRegistry.class),
				services.get(VolumeReaderRegistry.class), services.get(EvaluatorRegistry.class), backend);
	}
}
