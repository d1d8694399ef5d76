package org.nodulab.preprocess;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How one network input is sampled around a candidate: its size in voxels (depth, height, width), the
 * field of view it covers in mm (z, y, x; {@code null}: size x the preprocessing spacing, or x the
 * scan's own voxel size without resampling), and one channel per scale factor, each the patch with its
 * field of view scaled by the factor and resampled to the same size. One channel of scale 1 is the
 * usual patch; a 24 mm field of view on 40 voxels is the notebook's D9; scales {@code [2, 1.5, 1]} on
 * 20 voxels stack 40, 30 and 20 mm as three channels (I7).
 */
public record PatchLayout(int[] size, double[] fieldOfView, double[] scales) {

	public PatchLayout {
		if (size.length != 3) {
			throw new IllegalArgumentException("a patch size needs depth, height and width, got " + size.length + " values");
		}
		if (fieldOfView != null && (fieldOfView.length != 3 || Arrays.stream(fieldOfView).anyMatch(v -> !(v > 0 && Double.isFinite(v))))) {
			throw new IllegalArgumentException("a field of view needs three positive sizes in mm (z, y, x), got " + Arrays.toString(fieldOfView));
		}
		if (scales.length < 1 || Arrays.stream(scales).anyMatch(v -> !(v > 0 && Double.isFinite(v)))) {
			throw new IllegalArgumentException("a patch needs at least one positive scale, got " + Arrays.toString(scales));
		}
		size = size.clone();
		fieldOfView = fieldOfView == null ? null : fieldOfView.clone();
		scales = scales.clone();
	}

	/** One channel of {@code size} voxels at the preprocessing spacing. */
	public static PatchLayout plain(int[] size) {
		return new PatchLayout(size, null, new double[] { 1 });
	}

	/** Plain layouts for inputs of the given sizes. */
	public static List<PatchLayout> plain(List<int[]> sizes) {
		return sizes.stream().map(PatchLayout::plain).toList();
	}

	public int channels() {
		return scales.length;
	}

	/** Voxels of one channel. */
	public int voxels() {
		return size[0] * size[1] * size[2];
	}

	/** Values of one sample: channels x voxels. */
	public int values() {
		return channels() * voxels();
	}

	/** Whether this is one channel at the preprocessing spacing. */
	public boolean isPlain() {
		return fieldOfView == null && scales.length == 1 && scales[0] == 1;
	}

	/** "40x40x40", with the field of view and scales where set: "40x40x40 over 24x24x24 mm, scales 2, 1.5, 1". */
	public String describe() {
		StringBuilder b = new StringBuilder(size[0] + "x" + size[1] + "x" + size[2]);
		if (fieldOfView != null) {
			b.append(String.format(Locale.ROOT, " over %sx%sx%s mm", num(fieldOfView[0]), num(fieldOfView[1]), num(fieldOfView[2])));
		}
		if (!(scales.length == 1 && scales[0] == 1)) {
			b.append(", scales ");
			for (int i = 0; i < scales.length; i++) {
				b.append(i > 0 ? ", " : "").append(num(scales[i]));
			}
		}
		return b.toString();
	}

	private static String num(double v) {
		return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof PatchLayout p && Arrays.equals(size, p.size) && Arrays.equals(fieldOfView, p.fieldOfView)
				&& Arrays.equals(scales, p.scales);
	}

	@Override
	public int hashCode() {
		return 31 * (31 * Arrays.hashCode(size) + Arrays.hashCode(fieldOfView)) + Arrays.hashCode(scales);
	}

	@Override
	public String toString() {
		return describe();
	}
}
