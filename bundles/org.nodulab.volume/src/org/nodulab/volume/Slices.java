package org.nodulab.volume;

/**
 * Grey images of planes through a volume, for looking at: a window applied, nearest-neighbour sampling on a
 * square grid in world millimetres centred on a point (so a thumbnail shows the same field of view whatever
 * the scan's spacing). Rows run from the top of the image down: anterior to posterior for axial planes,
 * superior to inferior for coronal and sagittal ones.
 */
public final class Slices {

	/** The three orthogonal planes through a point. */
	public enum Plane {
		AXIAL, CORONAL, SAGITTAL
	}

	private Slices() {
	}

	/**
	 * A {@code pixels} x {@code pixels} image (row-major, 0 = black) of a plane through {@code centre} (world
	 * mm, LUNA16 coordinates), {@code fieldMm} wide; outside the volume is black.
	 */
	public static byte[] render(Volume volume, HuWindow window, Plane plane, double[] centre, double fieldMm, int pixels) {
		if (pixels < 1 || pixels > 4096) {
			throw new IllegalArgumentException("an image of 1 to 4096 pixels a side, got " + pixels);
		}
		VolumeGeometry g = volume.geometry();
		byte[] out = new byte[pixels * pixels];
		double step = fieldMm / pixels;
		double[] world = new double[3];
		for (int row = 0; row < pixels; row++) {
			double v = (row + 0.5) * step - fieldMm / 2; // down the image
			for (int col = 0; col < pixels; col++) {
				double u = (col + 0.5) * step - fieldMm / 2; // across the image
				world[0] = centre[0];
				world[1] = centre[1];
				world[2] = centre[2];
				switch (plane) {
				case AXIAL -> {
					world[0] += u;
					world[1] += v;
				}
				case CORONAL -> {
					world[0] += u;
					world[2] -= v;
				}
				case SAGITTAL -> {
					world[1] += u;
					world[2] -= v;
				}
				}
				out[row * pixels + col] = grey(volume, g, window, world);
			}
		}
		return out;
	}

	/** An axial slice of the whole scan at voxel row {@code z}, one pixel per voxel ({@code size(0)} wide). */
	public static byte[] axial(Volume volume, HuWindow window, int z) {
		VolumeGeometry g = volume.geometry();
		if (z < 0 || z >= g.size(2)) {
			throw new IllegalArgumentException("slice " + z + " outside 0.." + (g.size(2) - 1));
		}
		int w = g.size(0);
		int h = g.size(1);
		byte[] out = new byte[w * h];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				out[y * w + x] = (byte) Math.round(window.apply(volume.get(x, y, z)) * 255);
			}
		}
		return out;
	}

	private static byte grey(Volume volume, VolumeGeometry g, HuWindow window, double[] world) {
		double[] index = g.worldToVoxel(world);
		int x = (int) Math.round(index[0]);
		int y = (int) Math.round(index[1]);
		int z = (int) Math.round(index[2]);
		if (x < 0 || y < 0 || z < 0 || x >= g.size(0) || y >= g.size(1) || z >= g.size(2)) {
			return 0;
		}
		return (byte) Math.round(window.apply(volume.get(x, y, z)) * 255);
	}
}
