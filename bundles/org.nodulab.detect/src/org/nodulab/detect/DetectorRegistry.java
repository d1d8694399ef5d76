package org.nodulab.detect;

import java.util.Map;

import org.eclipse.core.runtime.IExtensionRegistry;
import org.nodulab.core.registry.AbstractContributionRegistry;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.core.registry.ContributionRegistry;
import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.volume.FileContributions;
import org.nodulab.volume.Volume;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** The contributions to {@code org.nodulab.detect.detectors}. */
@Component(service = { DetectorRegistry.class, ContributionRegistry.class })
@SuppressWarnings("rawtypes")
public class DetectorRegistry extends AbstractContributionRegistry<Detector> {

	public static final String EXTENSION_POINT = "org.nodulab.detect.detectors";

	/** The detector used when none is named. */
	public static final String DEFAULT = "blob";

	private final SettingsCodec codec = new SettingsCodec();

	@Activate
	public DetectorRegistry(@Reference IExtensionRegistry registry) {
		super("detectors", "Candidate detectors", EXTENSION_POINT, "detector", Detector.class, registry);
	}

	@Deactivate
	void deactivate() {
		dispose();
	}

	/**
	 * A detector's settings from {@code key=value} options (YAML scalars), checked against its settings class.
	 *
	 * @throws ContributionException naming each option that is unknown, mistyped or out of range
	 */
	public Object settings(ContributionDescriptor detector, Map<String, String> options) throws ContributionException {
		return FileContributions.settings(this, "detector", detector, options, codec);
	}

	/** A detector with its settings, ready to run on scans. */
	public record Configured(ContributionDescriptor descriptor, Detector<Object> detector, Object settings) {

		public DetectionResult detect(Volume volume) throws DetectionException {
			return detector.detect(volume, settings);
		}
	}

	/**
	 * The detector {@code id} with the given options.
	 *
	 * @throws ContributionException when it is not installed or an option is wrong
	 */
	@SuppressWarnings("unchecked")
	public Configured configure(String id, Map<String, String> options) throws ContributionException {
		ContributionDescriptor descriptor = require(id);
		Object settings = settings(descriptor, options);
		return new Configured(descriptor, createInstance(id), settings);
	}
}
