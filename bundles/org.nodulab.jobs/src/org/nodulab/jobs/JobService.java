package org.nodulab.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nodulab.augment.AugmentationRegistry;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.eval.EnsembleCombinerRegistry;
import org.nodulab.eval.EvaluatorRegistry;
import org.nodulab.nn.ArchitectureRegistry;
import org.nodulab.nn.BackendException;
import org.nodulab.nn.ComputeBackend;
import org.nodulab.train.ExperimentRunner;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.WindowRegistry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The job framework as a service: the run services for each compute backend, the devices, and the shared
 * queue (folder {@code -Dnodulab.jobs}, default {@code ~/.nodulab/jobs}) that the workbench and
 * {@code nodulab jobs} use.
 */
@Component(service = JobService.class)
public final class JobService {

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

	private JobQueue queue;

	/** The queue folder: {@code -Dnodulab.jobs}, else {@code ~/.nodulab/jobs}. */
	public static Path defaultDir() {
		String configured = System.getProperty("nodulab.jobs");
		return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".nodulab", "jobs");
	}

	/** The shared queue, opened (and restored) on first use. */
	public synchronized JobQueue queue() throws IOException {
		if (queue == null) {
			queue = open(defaultDir());
		}
		return queue;
	}

	/** A queue in another folder (tests, a second workspace). */
	public JobQueue open(Path dir) throws IOException {
		return JobQueue.open(dir, executor(), devices());
	}

	/** The executor of Nodulab's job kinds. */
	public ExperimentJobs executor() {
		return new ExperimentJobs(this::tools, combiners);
	}

	/** The devices of the installed backends (the default backend's first), each once. */
	public List<ComputeDevice> devices() {
		List<ComputeDevice> out = new ArrayList<>();
		for (ComputeBackend b : ordered()) {
			try {
				for (String line : b.devices()) {
					ComputeDevice d = ComputeDevice.parse(line);
					if (!out.contains(d)) {
						out.add(d);
					}
				}
			} catch (BackendException e) {
				// a backend that cannot start offers no device; its jobs fail with its own message
			}
		}
		if (out.isEmpty()) {
			out.add(new ComputeDevice("cpu", Runtime.getRuntime().availableProcessors() + " cores"));
		}
		return out;
	}

	/** The run services with the backend of this id (null: the default, {@code dl4j} when installed). */
	public ExperimentRunner.Tools tools(String backendId) {
		List<ComputeBackend> all = ordered();
		ComputeBackend backend = null;
		for (ComputeBackend b : all) {
			if (backendId == null ? backend == null : b.id().equals(backendId)) {
				backend = b;
			}
		}
		if (backend == null) {
			throw new IllegalArgumentException("no compute backend '" + backendId + "' is installed; installed: "
					+ all.stream().map(ComputeBackend::id).toList());
		}
		return new ExperimentRunner.Tools(validator, architectures, augmentations, windows, readers, evaluators, combiners, backend);
	}

	private List<ComputeBackend> ordered() {
		List<ComputeBackend> all = new ArrayList<>(backends);
		all.sort((a, b) -> a.id().equals("dl4j") ? -1 : b.id().equals("dl4j") ? 1 : a.id().compareTo(b.id()));
		return all;
	}

	@Deactivate
	synchronized void deactivate() throws InterruptedException {
		if (queue != null) {
			queue.close();
			queue = null;
		}
	}
}
