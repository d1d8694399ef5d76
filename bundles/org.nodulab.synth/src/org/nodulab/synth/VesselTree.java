package org.nodulab.synth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Pulmonary vessels: trees that start at each lung's hilum and branch towards the periphery, each
 * child thinner (Murray's law, r^3 = r1^3 + r2^3) until they fade below half a millimetre; segments
 * are tapering cylinders kept inside the lung.
 */
final class VesselTree {

	/** A tapering cylinder from a (radius ra) to b (radius rb), in mm. */
	record Segment(double[] a, double[] b, double ra, double rb) implements Grid.Shape {

		@Override
		public double distance(double x, double y, double z) {
			double abx = b[0] - a[0];
			double aby = b[1] - a[1];
			double abz = b[2] - a[2];
			double len2 = abx * abx + aby * aby + abz * abz;
			double t = ((x - a[0]) * abx + (y - a[1]) * aby + (z - a[2]) * abz) / len2;
			t = t < 0 ? 0 : t > 1 ? 1 : t;
			double px = a[0] + t * abx - x;
			double py = a[1] + t * aby - y;
			double pz = a[2] + t * abz - z;
			return Math.sqrt(px * px + py * py + pz * pz) - (ra + t * (rb - ra));
		}

		double length() {
			return Geometry.distance(a, b);
		}

		/** The point at fraction t along the axis, and the radius there. */
		double[] at(double t) {
			return new double[] { a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2]) };
		}

		double radius(double t) {
			return ra + t * (rb - ra);
		}

		double[] min() {
			double r = Math.max(ra, rb);
			return new double[] { Math.min(a[0], b[0]) - r, Math.min(a[1], b[1]) - r, Math.min(a[2], b[2]) - r };
		}

		double[] max() {
			double r = Math.max(ra, rb);
			return new double[] { Math.max(a[0], b[0]) + r, Math.max(a[1], b[1]) + r, Math.max(a[2], b[2]) + r };
		}
	}

	/** A branch point and the radius of the parent there. */
	record Bifurcation(double[] point, double radius) {
	}

	final List<Segment> segments = new ArrayList<>();
	final List<Bifurcation> bifurcations = new ArrayList<>();

	private record Sprout(double[] start, double[] direction, double radius, int depth) {
	}

	/** Grows the trees of both lungs. */
	static VesselTree grow(Anatomy anatomy, SplittableRandom random) {
		VesselTree tree = new VesselTree();
		for (Anatomy.Lung lung : new Anatomy.Lung[] { anatomy.right, anatomy.left }) {
			double[] centre = { lung.cx, lung.cy, lung.cz };
			double[] hilum = { lung.cx - lung.side * lung.ax * 0.5, lung.cy + random.nextDouble(-0.1, 0.1) * lung.ay,
					lung.cz + random.nextDouble(-0.1, 0.1) * lung.az };
			// move the hilum into the lung (the heart may cover the medial side)
			for (int i = 0; i < 40 && anatomy.lungDistance(hilum[0], hilum[1], hilum[2]) > -4; i++) {
				hilum = Geometry.add(hilum, Geometry.scale(Geometry.normalize(Geometry.sub(centre, hilum)), 1.5));
			}
			int roots = 5;
			for (int i = 0; i < roots; i++) {
				// lobar arteries and veins fan out from the hilum: up, down, front, back, sideways
				double up = -1 + 2.0 * i / (roots - 1) + random.nextDouble(-0.3, 0.3);
				double[] d = Geometry.normalize(new double[] { lung.side * random.nextDouble(0.5, 1.0),
						random.nextDouble(-0.8, 0.8), up });
				tree.growFrom(anatomy, hilum, d, random.nextDouble(2.4, 3.4), random, hilum, centre);
			}
		}
		return tree;
	}

	private void growFrom(Anatomy anatomy, double[] start, double[] direction, double radius, SplittableRandom random,
			double[] hilum, double[] centre) {
		Deque<Sprout> stack = new ArrayDeque<>();
		stack.push(new Sprout(start, direction, radius, 0));
		int budget = 4000;
		while (!stack.isEmpty() && budget-- > 0) {
			Sprout s = stack.pop();
			double r = s.radius();
			double length = 1 + r * random.nextDouble(5, 10);
			double[] d = s.direction();
			double[] end = null;
			for (int attempt = 0; attempt < 6; attempt++) {
				double[] e = Geometry.add(s.start(), Geometry.scale(d, length));
				if (anatomy.lungDistance(e[0], e[1], e[2]) < -Math.max(1.5, 1.5 * r)) {
					end = e;
					break;
				}
				// near the wall: turn towards the inside of the lung, then shorten
				d = Geometry.normalize(Geometry.add(d, Geometry.scale(Geometry.normalize(Geometry.sub(centre, s.start())), 0.6)));
				if (attempt >= 2) {
					length *= 0.6;
				}
				if (length < 1.2) {
					break;
				}
			}
			if (end == null) {
				continue; // the branch reaches the pleura and ends
			}
			double rEnd = r * 0.95;
			segments.add(new Segment(s.start(), end, r, rEnd));
			if (rEnd < 0.3 || s.depth() > 20) {
				continue;
			}
			double r1 = rEnd * random.nextDouble(0.8, 0.95); // the continuing branch
			double r2 = Math.cbrt(Math.max(0, rEnd * rEnd * rEnd - r1 * r1 * r1));
			double[] axis = Geometry.perpendicular(d, random);
			double[] away = Geometry.normalize(Geometry.sub(end, hilum));
			double[] d1 = Geometry.normalize(Geometry.add(Geometry.rotate(d, axis, Math.toRadians(random.nextDouble(5, 20))),
					Geometry.scale(away, 0.2)));
			double[] d2 = Geometry.normalize(Geometry.add(Geometry.rotate(d, axis, -Math.toRadians(random.nextDouble(35, 75))),
					Geometry.scale(away, 0.2)));
			bifurcations.add(new Bifurcation(end, rEnd));
			if (r2 >= 0.3) {
				stack.push(new Sprout(end, d2, r2, s.depth() + 1));
			}
			stack.push(new Sprout(end, d1, r1, s.depth() + 1));
		}
	}
}
