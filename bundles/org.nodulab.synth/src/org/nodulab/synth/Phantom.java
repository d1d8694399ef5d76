package org.nodulab.synth;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

import org.nodulab.core.concurrent.Parallel;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;

/**
 * Generates one phantom chest CT with its findings and candidates. Every random choice comes from
 * streams split in a fixed order from the scan's seed, so a scan depends only on (seed, index).
 */
final class Phantom {

	private final SynthSettings settings;
	private final SplittableRandom geometryRandom;
	private final SplittableRandom anatomyRandom;
	private final SplittableRandom vesselRandom;
	private final SplittableRandom findingRandom;
	private final SplittableRandom candidateRandom;
	private final long textureSeed;
	private final long noiseSeed;
	private final int index;

	private Anatomy anatomy;
	private Grid grid;
	private VesselTree vessels;
	private final List<SynthScan.Finding> nodules = new ArrayList<>();
	private final List<double[]> noduleCentres = new ArrayList<>();
	private final List<SynthScan.Finding> excluded = new ArrayList<>();
	/** Positions of rendered look-alikes: pleural bumps (with inward normal), dots, blobs. */
	private final List<double[]> bumps = new ArrayList<>();
	private final List<double[]> dots = new ArrayList<>();
	private final List<double[]> blobs = new ArrayList<>();

	Phantom(SynthSettings settings, int index) {
		this.settings = settings;
		this.index = index;
		SplittableRandom root = new SplittableRandom(scanSeed(settings.seed, index));
		geometryRandom = root.split();
		anatomyRandom = root.split();
		vesselRandom = root.split();
		findingRandom = root.split();
		candidateRandom = root.split();
		textureSeed = root.nextLong();
		noiseSeed = root.nextLong();
	}

	static long scanSeed(long seed, int index) {
		long z = seed * 0x9E3779B97F4A7C15L + (index + 1) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

	/** A DICOM-style UID under the 2.25 (UUID) root, unique for (seed, index). */
	static String uid(long seed, int index) {
		SplittableRandom r = new SplittableRandom(scanSeed(seed, index) ^ 0x5DEECE66DL);
		BigInteger hi = new BigInteger(Long.toUnsignedString(r.nextLong()));
		BigInteger lo = new BigInteger(Long.toUnsignedString(r.nextLong()));
		return "2.25." + hi.shiftLeft(64).or(lo);
	}

	SynthScan generate(ExecutorService pool) {
		SplittableRandom g = geometryRandom;
		double sxy = round(g.nextDouble(settings.inPlaneSpacing.get(0), settings.inPlaneSpacing.get(1)), 6);
		double sz = pick(settings.sliceSpacings, settings.sliceSpacingWeights, g);
		double lungHeight = g.nextDouble(90, 130);
		double centerX = g.nextDouble(-10, 10);
		double centerY = g.nextDouble(-20, 10);
		double centerZ = g.nextDouble(-260, -110);
		anatomy = new Anatomy(anatomyRandom, centerX, centerY, centerZ, lungHeight);
		double marginX = g.nextDouble(6, 16);
		double marginY = g.nextDouble(6, 16);
		double marginZ = g.nextDouble(8, 16);
		double fovX = 2 * (anatomy.bodyA + marginX);
		double fovY = 2 * (anatomy.bodyB + marginY);
		double fovZ = lungHeight + 2 * marginZ;
		int nx = (int) Math.ceil(fovX / sxy);
		int ny = (int) Math.ceil(fovY / sxy);
		int nz = (int) Math.ceil(fovZ / sz) + 1;
		double[] origin = { round(centerX - nx * sxy / 2 + g.nextDouble(-4, 4), 3),
				round(centerY - ny * sxy / 2 + g.nextDouble(-4, 4), 3), round(centerZ - lungHeight / 2 - marginZ, 3) };
		grid = new Grid(nx, ny, nz, origin, new double[] { sxy, sxy, sz });

		byte[] labels = renderAnatomy(pool);
		vessels = VesselTree.grow(anatomy, vesselRandom);
		float bloodHu = (float) vesselRandom.nextDouble(30, 55);
		for (VesselTree.Segment s : vessels.segments) {
			grid.drawMax(s, s.min(), s.max(), bloodHu, grid.edge);
		}
		placeNodules();
		placeExcludedFindings();
		placeLookAlikes();
		finish(pool, g);

		short[] hu = new short[grid.values.length];
		for (int i = 0; i < hu.length; i++) {
			hu[i] = (short) Math.max(-1024, Math.min(3071, Math.round(grid.values[i])));
		}
		VolumeGeometry geometry = VolumeGeometry.axisAligned(new int[] { nx, ny, nz }, grid.spacing, grid.origin);
		Volume volume = new Volume(geometry, hu);
		List<SynthScan.Candidate> stage1 = candidates();
		List<SynthScan.Candidate> stage2 = stage2(stage1);
		return new SynthScan(uid(settings.seed, index), index % settings.subsets, volume, labels, List.copyOf(nodules),
				List.copyOf(excluded), stage1, stage2);
	}

	/** Body, wall, bone and the lungs with their texture and gravity gradient; returns the true lung labels. */
	private byte[] renderAnatomy(ExecutorService pool) {
		float[] v = grid.values;
		byte[] labels = new byte[v.length];
		float[] cover = new float[v.length];
		int nx = grid.nx;
		int ny = grid.ny;
		double edge = grid.edge;
		Parallel.ranges(grid.nz, pool, (k0, k1) -> {
			for (int k = k0; k < k1; k++) {
				double z = grid.z(k);
				for (int j = 0; j < ny; j++) {
					double y = grid.y(j);
					for (int i = 0; i < nx; i++) {
						double x = grid.x(i);
						int idx = (k * ny + j) * nx + i;
						double d = anatomy.lungDistance(x, y, z);
						float tissue = anatomy.tissue(x, y, z);
						if (d < edge) {
							double c = Math.max(0, Math.min(1, 0.5 - d / edge));
							Anatomy.Lung lung = anatomy.side(x, y, z) < 0 ? anatomy.right : anatomy.left;
							double parenchyma = anatomy.parenchymaHu + anatomy.dependentHuPerMm * (y - lung.cy);
							v[idx] = (float) (tissue + c * (parenchyma - tissue));
							cover[idx] = (float) c;
							if (d < 0) {
								labels[idx] = (byte) (lung.side < 0 ? 3 : 4);
							}
						} else {
							v[idx] = tissue;
						}
					}
				}
			}
		});
		// parenchymal texture: smoothed noise, only where there is lung
		float[] texture = grid.whiteNoise(textureSeed, pool);
		grid.blurMm(texture, 1.2, pool);
		double amplitude = anatomyRandom.nextDouble(12, 24) / std(texture);
		for (int i = 0; i < v.length; i++) {
			if (cover[i] > 0) {
				v[i] += (float) (cover[i] * amplitude * texture[i]);
			}
		}
		return labels;
	}

	private static double std(float[] a) {
		double s = 0;
		double s2 = 0;
		int n = 0;
		for (int i = 0; i < a.length; i += 7) {
			s += a[i];
			s2 += a[i] * (double) a[i];
			n++;
		}
		double mean = s / n;
		return Math.sqrt(Math.max(1e-12, s2 / n - mean * mean));
	}

	/** A lobulated ellipsoid: solid nodules, ground-glass halos, dots and blobs. */
	record Blob(double[] c, double radius, double[] axes, double[] lobes) implements Grid.Shape {

		static Blob random(double[] c, double radius, double lobulation, SplittableRandom r) {
			double[] axes = { r.nextDouble(0.85, 1.15), r.nextDouble(0.85, 1.15), r.nextDouble(0.85, 1.15) };
			double[] lobes = { lobulation * r.nextDouble(0, 1), r.nextDouble(0, 2 * Math.PI), lobulation * r.nextDouble(0, 1),
					r.nextDouble(0, 2 * Math.PI), r.nextDouble(0, 2 * Math.PI) };
			return new Blob(c, radius, axes, lobes);
		}

		@Override
		public double distance(double x, double y, double z) {
			double u = (x - c[0]) / axes[0];
			double v = (y - c[1]) / axes[1];
			double w = (z - c[2]) / axes[2];
			double rho = Math.sqrt(u * u + v * v + w * w);
			if (rho == 0) {
				return -radius;
			}
			// lobes as smooth functions of the direction (no angular coordinates: no seams)
			double du = u / rho;
			double dv = v / rho;
			double dw = w / rho;
			double r = radius * (1 + lobes[0] * Math.sin(3 * du + 2 * dv + lobes[1]) * Math.sin(2 * dw - 3 * du + lobes[4])
					+ lobes[2] * Math.sin(4 * dv - 3 * dw + lobes[3]));
			return rho - r;
		}

		double[] min() {
			double r = radius * 1.6;
			return new double[] { c[0] - r, c[1] - r, c[2] - r };
		}

		double[] max() {
			double r = radius * 1.6;
			return new double[] { c[0] + r, c[1] + r, c[2] + r };
		}
	}

	private void placeNodules() {
		SplittableRandom r = findingRandom;
		int n = poisson(settings.nodulesPerScan, r);
		for (int attempt = 0, placed = 0; placed < n && attempt < n * 40; attempt++) {
			NoduleKind kind = pickKind(r);
			double diameter = Diameters.draw(r);
			if (kind == NoduleKind.CALCIFIED) {
				diameter = Math.min(diameter, r.nextDouble(3.2, 10));
			}
			double radius = diameter / 2;
			double[] centre = switch (kind) {
			case JUXTAVASCULAR -> besideVessel(radius, r);
			case JUXTAPLEURAL -> onWall(radius * r.nextDouble(0.35, 0.6), r);
			default -> inside(radius + 2, r);
			};
			if (centre == null || !apart(centre, radius)) {
				continue;
			}
			switch (kind) {
			case SOLID, JUXTAVASCULAR, JUXTAPLEURAL -> {
				Blob b = Blob.random(centre, radius, 0.12, r);
				grid.drawMax(b, b.min(), b.max(), (float) r.nextDouble(-10, 60), grid.edge);
			}
			case GROUND_GLASS -> {
				Blob halo = Blob.random(centre, radius, 0.08, r);
				grid.drawMax(halo, halo.min(), halo.max(), (float) r.nextDouble(-680, -480), grid.edge * 1.5);
				if (r.nextDouble() < 0.5 && radius > 3) { // part-solid: a solid core
					Blob core = Blob.random(centre, radius * r.nextDouble(0.25, 0.45), 0.1, r);
					grid.drawMax(core, core.min(), core.max(), (float) r.nextDouble(0, 50), grid.edge);
				}
			}
			case CALCIFIED -> {
				Blob b = Blob.random(centre, radius, 0.05, r);
				grid.drawMax(b, b.min(), b.max(), (float) r.nextDouble(250, 800), grid.edge);
			}
			}
			nodules.add(new SynthScan.Finding(round(centre[0], 4), round(centre[1], 4), round(centre[2], 4),
					round(diameter, 4), kind.id()));
			noduleCentres.add(new double[] { round(centre[0], 4), round(centre[1], 4), round(centre[2], 4), diameter });
			placed++;
		}
	}

	private void placeExcludedFindings() {
		SplittableRandom r = findingRandom;
		int small = poisson(settings.smallNodulesPerScan, r);
		for (int s = 0; s < small; s++) {
			double diameter = r.nextDouble(1.6, 2.95);
			double[] c = inside(diameter / 2 + 2, r);
			if (c == null || !apart(c, diameter / 2)) {
				continue;
			}
			Blob b = Blob.random(c, diameter / 2, 0.05, r);
			grid.drawMax(b, b.min(), b.max(), (float) r.nextDouble(-20, 300), grid.edge);
			excluded.add(new SynthScan.Finding(round(c[0], 4), round(c[1], 4), round(c[2], 4), round(diameter, 4), "small-nodule"));
		}
		int other = poisson(settings.otherFindingsPerScan, r);
		for (int s = 0; s < other; s++) {
			double[] c = inside(8, r);
			if (c == null || !apart(c, 6)) {
				continue;
			}
			if (r.nextBoolean()) { // a linear scar
				double[] d = Geometry.randomDirection(r);
				double half = r.nextDouble(5, 12);
				VesselTree.Segment scar = new VesselTree.Segment(Geometry.add(c, Geometry.scale(d, -half)),
						Geometry.add(c, Geometry.scale(d, half)), r.nextDouble(0.7, 1.4), r.nextDouble(0.5, 1.0));
				grid.drawMax(scar, scar.min(), scar.max(), (float) r.nextDouble(-250, 0), grid.edge);
				excluded.add(new SynthScan.Finding(round(c[0], 4), round(c[1], 4), round(c[2], 4), -1, "scar"));
			} else { // a faint patch
				Blob patch = Blob.random(c, r.nextDouble(5, 9), 0.15, r);
				grid.drawMax(patch, patch.min(), patch.max(), (float) (anatomy.parenchymaHu + r.nextDouble(120, 220)), 3);
				excluded.add(new SynthScan.Finding(round(c[0], 4), round(c[1], 4), round(c[2], 4), -1, "faint-patch"));
			}
		}
	}

	/** Pleural bumps, dense dots and faint blobs that detectors mistake for nodules. */
	private void placeLookAlikes() {
		SplittableRandom r = candidateRandom;
		int nBumps = r.nextInt(3, 9);
		for (int b = 0; b < nBumps; b++) {
			double radius = r.nextDouble(1.5, 3.5);
			double[] c = onWall(0, r);
			if (c == null) {
				continue;
			}
			Blob bump = Blob.random(c, radius, 0.1, r);
			grid.drawMax(bump, bump.min(), bump.max(), 40f, grid.edge);
			double[] normal = inwardNormal(c);
			bumps.add(Geometry.add(c, Geometry.scale(normal, radius * 0.8)));
		}
		int nDots = r.nextInt(5, 12);
		for (int d = 0; d < nDots; d++) {
			double[] c = inside(3, r);
			if (c == null) {
				continue;
			}
			Blob dot = Blob.random(c, r.nextDouble(0.6, 1.4), 0.02, r);
			grid.drawMax(dot, dot.min(), dot.max(), (float) r.nextDouble(150, 650), grid.edge);
			dots.add(c);
		}
		int nBlobs = r.nextInt(5, 12);
		for (int b = 0; b < nBlobs; b++) {
			double[] c = inside(5, r);
			if (c == null) {
				continue;
			}
			Blob blob = Blob.random(c, r.nextDouble(2, 4.5), 0.1, r);
			grid.drawMax(blob, blob.min(), blob.max(), (float) (anatomy.parenchymaHu + r.nextDouble(90, 220)), 2.5);
			blobs.add(c);
		}
	}

	/** Slice-thickness blur, the scanner's in-plane blur and correlated noise. */
	private void finish(ExecutorService pool, SplittableRandom r) {
		double thickness = grid.spacing[2] * r.nextDouble(1.0, 1.3);
		Grid.blur(grid.values, grid.nx, grid.ny, grid.nz, 2, thickness / 2.355 / grid.spacing[2], pool);
		double psf = r.nextDouble(0.3, 0.45);
		Grid.blur(grid.values, grid.nx, grid.ny, grid.nz, 0, psf / grid.spacing[0], pool);
		Grid.blur(grid.values, grid.nx, grid.ny, grid.nz, 1, psf / grid.spacing[1], pool);
		float[] noise = grid.whiteNoise(noiseSeed, pool);
		Grid.blur(noise, grid.nx, grid.ny, grid.nz, 0, 0.7, pool);
		Grid.blur(noise, grid.nx, grid.ny, grid.nz, 1, 0.7, pool);
		double sigma = r.nextDouble(settings.noiseHu.get(0), settings.noiseHu.get(1) + 1e-9) / std(noise);
		float[] v = grid.values;
		for (int i = 0; i < v.length; i++) {
			v[i] += (float) (sigma * noise[i]);
		}
	}

	private List<SynthScan.Candidate> candidates() {
		SplittableRandom r = candidateRandom;
		List<SynthScan.Candidate> out = new ArrayList<>();
		for (double[] n : noduleCentres) {
			if (r.nextDouble() >= settings.stage1Sensitivity) {
				continue;
			}
			int count = 1 + (r.nextDouble() < 0.35 ? 1 : 0) + (r.nextDouble() < 0.1 ? 1 : 0);
			for (int k = 0; k < count; k++) {
				out.add(candidate(Geometry.add(n, inBall(0.5 * n[3] / 2, r)), CandidateKind.NODULE, r));
			}
		}
		for (SynthScan.Finding f : excluded) {
			if (r.nextDouble() < 0.65) {
				double jitter = f.diameter() > 0 ? 0.3 * f.diameter() / 2 : 1.0;
				out.add(candidate(Geometry.add(new double[] { f.x(), f.y(), f.z() }, inBall(jitter, r)),
						CandidateKind.EXCLUDED_FINDING, r));
			}
		}
		for (double[] b : bumps) {
			out.add(candidate(Geometry.add(b, inBall(0.5, r)), CandidateKind.PLEURAL_BUMP, r));
		}
		for (double[] d : dots) {
			out.add(candidate(Geometry.add(d, inBall(0.4, r)), CandidateKind.BRIGHT_DOT, r));
		}
		for (double[] b : blobs) {
			out.add(candidate(Geometry.add(b, inBall(1.0, r)), CandidateKind.BLOB, r));
		}
		int target = (int) Math.round(settings.falsePositivesPerScan * r.nextDouble(0.8, 1.2));
		int remaining = Math.max(0, target - bumps.size() - dots.size() - blobs.size());
		List<VesselTree.Segment> visible = vessels.segments.stream().filter(s -> s.rb() >= 0.45).toList();
		List<VesselTree.Bifurcation> forks = vessels.bifurcations.stream().filter(b -> b.radius() >= 0.5).toList();
		double[] cumulative = new double[visible.size()];
		double total = 0;
		for (int i = 0; i < visible.size(); i++) {
			// detectors flag small and medium vessels far more often than the thick hilar ones
			double r0 = visible.get(i).ra();
			total += visible.get(i).length() * Math.min(1, (1.2 / r0) * (1.2 / r0));
			cumulative[i] = total;
		}
		for (int k = 0; k < remaining; k++) {
			double u = r.nextDouble();
			if (u < 0.45 && total > 0) { // a vessel in cross-section
				int i = search(cumulative, r.nextDouble(total));
				VesselTree.Segment s = visible.get(i);
				double t = r.nextDouble();
				out.add(candidate(Geometry.add(s.at(t), inBall(0.3 * s.radius(t), r)), CandidateKind.VESSEL, r));
			} else if (u < 0.65 && !forks.isEmpty()) {
				VesselTree.Bifurcation b = forks.get(r.nextInt(forks.size()));
				out.add(candidate(Geometry.add(b.point(), inBall(0.3 * b.radius(), r)), CandidateKind.BIFURCATION, r));
			} else if (u < 0.8) {
				double[] c = onWall(r.nextDouble(0.5, 2.5), r);
				if (c != null) {
					out.add(candidate(c, CandidateKind.PLEURA, r));
				}
			} else {
				double[] c = inside(3, r);
				if (c != null) {
					out.add(candidate(c, CandidateKind.PARENCHYMA, r));
				}
			}
		}
		// one candidate per position, as a detector reports it
		out.sort(Comparator.comparingDouble(SynthScan.Candidate::x).thenComparingDouble(SynthScan.Candidate::y)
				.thenComparingDouble(SynthScan.Candidate::z));
		List<SynthScan.Candidate> unique = new ArrayList<>();
		for (SynthScan.Candidate c : out) {
			SynthScan.Candidate last = unique.isEmpty() ? null : unique.get(unique.size() - 1);
			if (last == null || last.x() != c.x() || last.y() != c.y() || last.z() != c.z()) {
				unique.add(c);
			}
		}
		// detectors list candidates in no meaningful order: shuffle with the seed
		for (int i = unique.size() - 1; i > 0; i--) {
			int j = r.nextInt(i + 1);
			SynthScan.Candidate t = unique.get(i);
			unique.set(i, unique.get(j));
			unique.set(j, t);
		}
		return unique;
	}

	/** A candidate at a position (rounded as candidates_V2 has them), labelled against the annotations. */
	private SynthScan.Candidate candidate(double[] p, CandidateKind kind, SplittableRandom r) {
		double x = round(p[0], 2);
		double y = round(p[1], 2);
		double z = round(p[2], 2);
		int label = 0;
		for (double[] n : noduleCentres) {
			double dx = x - n[0];
			double dy = y - n[1];
			double dz = z - n[2];
			if (Math.sqrt(dx * dx + dy * dy + dz * dz) < n[3] / 2) {
				label = 1;
			}
		}
		double score = switch (kind) {
		case NODULE -> 0.75;
		case EXCLUDED_FINDING -> 0.55;
		case BIFURCATION, PLEURAL_BUMP -> 0.5;
		case BRIGHT_DOT, BLOB -> 0.45;
		case VESSEL -> 0.3;
		case PLEURA -> 0.2;
		case PARENCHYMA -> 0.05;
		} + r.nextDouble(0, 0.5);
		double probability = round(1 / (1 + Math.exp(-6 * (score - 0.6))), 4);
		return new SynthScan.Candidate(x, y, z, label, label == 1 ? CandidateKind.NODULE : kind, probability);
	}

	/** The stage-2 detector: one candidate for most nodules, and the most nodule-like false positives. */
	private List<SynthScan.Candidate> stage2(List<SynthScan.Candidate> stage1) {
		SplittableRandom r = candidateRandom;
		List<SynthScan.Candidate> out = new ArrayList<>();
		double keep = settings.stage1Sensitivity > 0 ? settings.stage2Sensitivity / settings.stage1Sensitivity : 0;
		for (double[] n : noduleCentres) {
			SynthScan.Candidate best = null;
			double bestDistance = Double.MAX_VALUE;
			for (SynthScan.Candidate c : stage1) {
				double d = Geometry.distance(c.position(), n);
				if (c.label() == 1 && d < n[3] / 2 && d < bestDistance) {
					best = c;
					bestDistance = d;
				}
			}
			if (best != null && r.nextDouble() < keep && !out.contains(best)) {
				out.add(best);
			}
		}
		List<SynthScan.Candidate> negatives = new ArrayList<>(stage1.stream().filter(c -> c.label() == 0).toList());
		negatives.sort(Comparator.comparingDouble(SynthScan.Candidate::probability).reversed());
		int fp = (int) Math.round(settings.stage2FalsePositivesPerScan * r.nextDouble(0.8, 1.2));
		out.addAll(negatives.subList(0, Math.min(fp, negatives.size())));
		for (int i = out.size() - 1; i > 0; i--) {
			int j = r.nextInt(i + 1);
			SynthScan.Candidate t = out.get(i);
			out.set(i, out.get(j));
			out.set(j, t);
		}
		return out;
	}

	// --- placement ---

	/** A random point inside the lungs at least {@code margin} mm from the wall, or null. */
	private double[] inside(double margin, SplittableRandom r) {
		for (int attempt = 0; attempt < 200; attempt++) {
			Anatomy.Lung lung = r.nextBoolean() ? anatomy.right : anatomy.left;
			double[] p = { lung.cx + r.nextDouble(-1, 1) * lung.ax, lung.cy + r.nextDouble(-1, 1) * lung.ay,
					lung.cz + r.nextDouble(-1, 1) * lung.az };
			if (anatomy.lungDistance(p[0], p[1], p[2]) < -margin) {
				return p;
			}
		}
		return null;
	}

	/**
	 * A point {@code depth} mm from the lung surface along its inward normal (positive: inside the lung,
	 * negative: in the chest wall), found along a random ray from a lung centre; null if none.
	 */
	private double[] onWall(double depth, SplittableRandom r) {
		for (int attempt = 0; attempt < 50; attempt++) {
			Anatomy.Lung lung = r.nextBoolean() ? anatomy.right : anatomy.left;
			double[] c = { lung.cx, lung.cy, lung.cz };
			double[] d = Geometry.randomDirection(r);
			d[2] *= 0.6;
			d = Geometry.normalize(d);
			if (anatomy.lungDistance(c[0], c[1], c[2]) >= 0) {
				continue;
			}
			double lo = 0;
			double hi = 200;
			for (int i = 0; i < 40; i++) { // bisection for the first exit along the ray
				double mid = (lo + hi) / 2;
				double[] p = Geometry.add(c, Geometry.scale(d, mid));
				if (anatomy.lungDistance(p[0], p[1], p[2]) < 0 && insideAlong(c, d, mid)) {
					lo = mid;
				} else {
					hi = mid;
				}
			}
			double[] surface = Geometry.add(c, Geometry.scale(d, lo));
			double[] normal = inwardNormal(surface);
			double[] p = Geometry.add(surface, Geometry.scale(normal, depth));
			if (p[2] > anatomy.zTop - 5 || p[2] < anatomy.zBottom + 5) {
				continue; // keep away from apex and base
			}
			return p;
		}
		return null;
	}

	private boolean insideAlong(double[] c, double[] d, double length) {
		for (double t = 0; t < length; t += 2) {
			double[] p = Geometry.add(c, Geometry.scale(d, t));
			if (anatomy.lungDistance(p[0], p[1], p[2]) >= 0) {
				return false;
			}
		}
		return true;
	}

	/** Unit normal pointing into the lung at a point near its surface. */
	private double[] inwardNormal(double[] p) {
		double h = 0.5;
		double gx = anatomy.lungDistance(p[0] + h, p[1], p[2]) - anatomy.lungDistance(p[0] - h, p[1], p[2]);
		double gy = anatomy.lungDistance(p[0], p[1] + h, p[2]) - anatomy.lungDistance(p[0], p[1] - h, p[2]);
		double gz = anatomy.lungDistance(p[0], p[1], p[2] + h) - anatomy.lungDistance(p[0], p[1], p[2] - h);
		return Geometry.scale(Geometry.normalize(new double[] { gx, gy, gz }), -1);
	}

	/** A centre touching a vessel of 0.8-3 mm radius, inside the lung; null if none. */
	private double[] besideVessel(double radius, SplittableRandom r) {
		List<VesselTree.Segment> candidates = vessels.segments.stream().filter(s -> s.ra() >= 0.8 && s.ra() <= 3).toList();
		for (int attempt = 0; attempt < 30 && !candidates.isEmpty(); attempt++) {
			VesselTree.Segment s = candidates.get(r.nextInt(candidates.size()));
			double t = r.nextDouble(0.2, 0.8);
			double[] axis = Geometry.normalize(Geometry.sub(s.b(), s.a()));
			double[] away = Geometry.perpendicular(axis, r);
			double[] c = Geometry.add(s.at(t), Geometry.scale(away, (radius + s.radius(t)) * 0.85));
			if (anatomy.lungDistance(c[0], c[1], c[2]) < -(radius + 1.5)) {
				return c;
			}
		}
		return inside(radius + 2, r);
	}

	private boolean apart(double[] c, double radius) {
		for (double[] n : noduleCentres) {
			if (Geometry.distance(c, n) < radius + n[3] / 2 + 4) {
				return false;
			}
		}
		for (SynthScan.Finding f : excluded) {
			if (Geometry.distance(c, new double[] { f.x(), f.y(), f.z() }) < radius + Math.max(f.diameter(), 10) / 2 + 4) {
				return false;
			}
		}
		return true;
	}

	private static double[] inBall(double radius, SplittableRandom r) {
		while (true) {
			double[] v = { r.nextDouble(-1, 1), r.nextDouble(-1, 1), r.nextDouble(-1, 1) };
			if (Geometry.dot(v, v) <= 1) {
				return Geometry.scale(v, radius);
			}
		}
	}

	private static int search(double[] cumulative, double u) {
		int i = java.util.Arrays.binarySearch(cumulative, u);
		return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
	}

	private static NoduleKind pickKind(SplittableRandom r) {
		double u = r.nextDouble();
		double acc = 0;
		for (NoduleKind k : NoduleKind.values()) {
			acc += k.frequency();
			if (u < acc) {
				return k;
			}
		}
		return NoduleKind.SOLID;
	}

	static double pick(List<Double> values, List<Double> weights, SplittableRandom r) {
		double total = weights.stream().mapToDouble(Double::doubleValue).sum();
		double u = r.nextDouble(total);
		for (int i = 0; i < values.size(); i++) {
			u -= weights.get(i);
			if (u < 0) {
				return values.get(i);
			}
		}
		return values.get(values.size() - 1);
	}

	static int poisson(double mean, SplittableRandom r) {
		double l = Math.exp(-mean);
		int k = 0;
		double p = r.nextDouble();
		while (p > l) {
			k++;
			p *= r.nextDouble();
		}
		return k;
	}

	static double round(double v, int digits) {
		double f = Math.pow(10, digits);
		return Math.round(v * f) / f;
	}
}
