package org.nodulab.detect;

import org.nodulab.volume.Volume;

/**
 * Proposes nodule candidates in a CT scan; contributed to {@code org.nodulab.detect.detectors}.
 *
 * @param <S> the settings class declared in the contribution
 */
public interface Detector<S> {

	/**
	 * The candidates of one scan, best first. Must not change the volume and must give the same result for
	 * the same volume and settings, whatever the number of threads.
	 *
	 * @throws DetectionException when the scan cannot be searched (no lung found, too large for this JVM),
	 *             saying what is missing
	 */
	DetectionResult detect(Volume volume, S settings) throws DetectionException;
}
