package org.nodulab.preprocess;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;

/**
 * Lung masks from CT: air below a HU threshold; air connected to the border of its axial slice is
 * outside the body and removed; of the remaining air, the (up to two) largest 3D components of
 * sufficient volume are the lungs; holes inside them (vessels, nodules) are filled slice by slice;
 * a morphological closing smooths the wall so juxtapleural nodules stay inside.
 */
public final class LungSegmentation {

	/** Settings of the segmentation. */
	public record Settings(double thresholdHu, double minComponentMl, int maxComponents, double closingMm) {

		public static Settings defaults() {
			return new Settings(-400, 20, 2, 4);
		}
	}

	/** The mask (1 = lung) and what was found. */
	public record Result(LungMask mask, int components, double volumeMl) {
	}

	private LungSegmentation() {
	}

	public static Result segment(Volume volume, Settings s) {
		VolumeGeometry g = volume.geometry();
		int nx = g.size(0);
		int ny = g.size(1);
		int nz = g.size(2);
		int n = nx * ny * nz;
		byte[] air = new byte[n];
		for (int i = 0; i < n; i++) {
			air[i] = volume.get(i) < s.thresholdHu() ? (byte) 1 : 0;
		}
		// outside-body air: connected to the border of its axial slice
		for (int z = 0; z < nz; z++) {
			floodFromBorder(air, z * nx * ny, nx, ny, (byte) 1, (byte) 0);
		}
		// 3D components of the remaining air
		int[] label = new int[n];
		List<Integer> sizes = new ArrayList<>();
		sizes.add(0);
		int[] stack = new int[n];
		for (int i = 0; i < n; i++) {
			if (air[i] != 0 && label[i] == 0) {
				int id = sizes.size();
				int count = 0;
				int top = 0;
				stack[top++] = i;
				label[i] = id;
				while (top > 0) {
					int p = stack[--top];
					count++;
					int x = p % nx;
					int y = p / nx % ny;
					int z = p / (nx * ny);
					if (x > 0 && air[p - 1] != 0 && label[p - 1] == 0) {
						label[p - 1] = id;
						stack[top++] = p - 1;
					}
					if (x < nx - 1 && air[p + 1] != 0 && label[p + 1] == 0) {
						label[p + 1] = id;
						stack[top++] = p + 1;
					}
					if (y > 0 && air[p - nx] != 0 && label[p - nx] == 0) {
						label[p - nx] = id;
						stack[top++] = p - nx;
					}
					if (y < ny - 1 && air[p + nx] != 0 && label[p + nx] == 0) {
						label[p + nx] = id;
						stack[top++] = p + nx;
					}
					if (z > 0 && air[p - nx * ny] != 0 && label[p - nx * ny] == 0) {
						label[p - nx * ny] = id;
						stack[top++] = p - nx * ny;
					}
					if (z < nz - 1 && air[p + nx * ny] != 0 && label[p + nx * ny] == 0) {
						label[p + nx * ny] = id;
						stack[top++] = p + nx * ny;
					}
				}
				sizes.add(count);
			}
		}
		double voxelMl = g.spacing()[0] * g.spacing()[1] * g.spacing()[2] / 1000.0;
		Integer[] ids = new Integer[sizes.size() - 1];
		for (int i = 0; i < ids.length; i++) {
			ids[i] = i + 1;
		}
		Arrays.sort(ids, (a, b) -> Integer.compare(sizes.get(b), sizes.get(a)));
		boolean[] keep = new boolean[sizes.size()];
		int kept = 0;
		for (Integer id : ids) {
			if (kept < s.maxComponents() && sizes.get(id) * voxelMl >= s.minComponentMl()) {
				keep[id] = true;
				kept++;
			}
		}
		byte[] mask = new byte[n];
		for (int i = 0; i < n; i++) {
			mask[i] = keep[label[i]] ? (byte) 1 : 0;
		}
		int[] size = g.size();
		double[] spacing = g.spacing();
		if (s.closingMm() > 0) {
			mask = DistanceTransform.erode(DistanceTransform.dilate(mask, size, spacing, s.closingMm()), size, spacing,
					s.closingMm());
		}
		fillHoles(mask, nx, ny, nz);
		long voxels = 0;
		for (byte b : mask) {
			voxels += b;
		}
		return new Result(new LungMask(g, mask), kept, voxels * voxelMl);
	}

	/** Per axial slice: background not reachable from the slice border becomes foreground. */
	static void fillHoles(byte[] mask, int nx, int ny, int nz) {
		byte[] slice = new byte[nx * ny];
		for (int z = 0; z < nz; z++) {
			int off = z * nx * ny;
			for (int i = 0; i < slice.length; i++) {
				slice[i] = mask[off + i] == 0 ? (byte) 1 : 0; // background
			}
			floodFromBorder(slice, 0, nx, ny, (byte) 1, (byte) 2); // reachable background marked 2
			for (int i = 0; i < slice.length; i++) {
				if (slice[i] == 1) { // unreachable background: a hole
					mask[off + i] = 1;
				}
			}
		}
	}

	/** 4-connected flood fill in one slice from its border over voxels equal to {@code from}, setting {@code to}. */
	static void floodFromBorder(byte[] a, int off, int nx, int ny, byte from, byte to) {
		int[] stack = new int[nx * ny];
		int top = 0;
		for (int x = 0; x < nx; x++) {
			top = push(a, off, x, 0, nx, from, to, stack, top);
			top = push(a, off, x, ny - 1, nx, from, to, stack, top);
		}
		for (int y = 0; y < ny; y++) {
			top = push(a, off, 0, y, nx, from, to, stack, top);
			top = push(a, off, nx - 1, y, nx, from, to, stack, top);
		}
		while (top > 0) {
			int p = stack[--top];
			int x = p % nx;
			int y = p / nx;
			if (x > 0) {
				top = push(a, off, x - 1, y, nx, from, to, stack, top);
			}
			if (x < nx - 1) {
				top = push(a, off, x + 1, y, nx, from, to, stack, top);
			}
			if (y > 0) {
				top = push(a, off, x, y - 1, nx, from, to, stack, top);
			}
			if (y < ny - 1) {
				top = push(a, off, x, y + 1, nx, from, to, stack, top);
			}
		}
	}

	private static int push(byte[] a, int off, int x, int y, int nx, byte from, byte to, int[] stack, int top) {
		int p = y * nx + x;
		if (a[off + p] == from) {
			a[off + p] = to;
			stack[top++] = p;
		}
		return top;
	}
}
