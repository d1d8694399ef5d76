package org.nodulab.preprocess;

import java.util.List;

import org.nodulab.core.experiment.PreprocessingSettings;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.volume.HuWindow;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.WindowRegistry;

/**
 * The preprocessing an experiment chose, ready to apply while sampling: resampling to isotropic
 * voxels of {@code spacing} mm (or none: patches keep each scan's own voxel size), the HU window scaled
 * to [0, 1], and the training mean subtracted (0 when mean subtraction is off). Resampling happens in
 * the patch sampler's single interpolation, so nothing is materialised.
 *
 * @param mean the training mean of the windowed intensities (see the dataset's mean estimate), or 0
 */
public record Preprocessing(boolean resample, double spacing, HuWindow window, float mean) {

	public Preprocessing {
		if (resample && !(spacing > 0 && Double.isFinite(spacing))) {
			throw new IllegalArgumentException("resampling needs a positive spacing, got " + spacing);
		}
	}

	/**
	 * The preprocessing of an experiment's settings, its window looked up in the window extension point.
	 *
	 * @param mean the recorded training mean; ignored (0) when the settings turn mean subtraction off
	 */
	public static Preprocessing of(PreprocessingSettings settings, WindowRegistry windows, float mean)
			throws ContributionException {
		return new Preprocessing(settings.resample, settings.spacing, windows.window(settings.window),
				settings.meanSubtraction ? mean : 0f);
	}

	/** The same preprocessing with another training mean. */
	public Preprocessing withMean(float newMean) {
		return new Preprocessing(resample, spacing, window, newMean);
	}

	public IntensityNormalizer normalizer() {
		return new IntensityNormalizer(window, mean);
	}

	/**
	 * The patches to take from a scan for inputs of the given sizes (depth, height, width in voxels):
	 * voxels of {@code spacing} mm when resampling, else the scan's own voxel size along each axis.
	 */
	public PatchSpec[] specs(List<int[]> sizes, VolumeGeometry scan) {
		double[] s = scan.spacing();
		PatchSpec[] specs = new PatchSpec[sizes.size()];
		for (int i = 0; i < specs.length; i++) {
			int[] d = sizes.get(i);
			if (d.length != 3) {
				throw new IllegalArgumentException("a patch size needs depth, height and width, got " + d.length + " values");
			}
			specs[i] = resample ? new PatchSpec(d[0], d[1], d[2], spacing, spacing, spacing)
					: new PatchSpec(d[0], d[1], d[2], s[2], s[1], s[0]);
		}
		return specs;
	}

	/**
	 * The patches to take from a scan for each input's channels ({@code [input][channel]}): the field of
	 * view, where the layout sets one, divided by the size gives the voxel size; else the preprocessing
	 * spacing when resampling, or the scan's own voxel size; each channel's voxel size is then scaled by
	 * its factor.
	 */
	public PatchSpec[][] specs(VolumeGeometry scan, List<PatchLayout> layouts) {
		double[] s = scan.spacing();
		PatchSpec[][] specs = new PatchSpec[layouts.size()][];
		for (int i = 0; i < specs.length; i++) {
			PatchLayout l = layouts.get(i);
			int[] d = l.size();
			double z;
			double y;
			double x;
			if (l.fieldOfView() != null) {
				z = l.fieldOfView()[0] / d[0];
				y = l.fieldOfView()[1] / d[1];
				x = l.fieldOfView()[2] / d[2];
			} else if (resample) {
				z = y = x = spacing;
			} else {
				z = s[2];
				y = s[1];
				x = s[0];
			}
			specs[i] = new PatchSpec[l.channels()];
			for (int c = 0; c < l.channels(); c++) {
				double f = l.scales()[c];
				specs[i][c] = new PatchSpec(d[0], d[1], d[2], z * f, y * f, x * f);
			}
		}
		return specs;
	}
}
