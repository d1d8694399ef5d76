package org.nodulab.synth;

import java.util.List;

import org.nodulab.volume.Volume;

/**
 * One synthetic scan: the CT, its true lung mask (3 right lung, 4 left lung), its findings and its
 * candidates.
 *
 * @param nodules annotated nodules (3 mm or more)
 * @param excluded findings that count neither as hit nor as false positive (small nodules, other findings)
 * @param candidates stage-1 candidates (about 98% of nodules and about 100 false positives per scan)
 * @param stage2 the sparser stage-2 candidates (about 95% of nodules and about 20 false positives per scan)
 */
public record SynthScan(String uid, int subset, Volume volume, byte[] lungLabels, List<Finding> nodules,
		List<Finding> excluded, List<Candidate> candidates, List<Candidate> stage2) {

	/**
	 * A finding: position (world mm), diameter (mm; -1 for findings without one) and what it is.
	 *
	 * @param kind a {@link NoduleKind} id, or "small-nodule" / "scar" / "faint-patch" for excluded findings
	 */
	public record Finding(double x, double y, double z, double diameter, String kind) {
	}

	/**
	 * A candidate: position (world mm, rounded to 0.01 mm as in candidates_V2), label (1 when it lies
	 * within an annotated nodule's radius), what it lies on, and the pseudo-detector's probability.
	 */
	public record Candidate(double x, double y, double z, int label, CandidateKind kind, double probability) {

		public double[] position() {
			return new double[] { x, y, z };
		}
	}
}
