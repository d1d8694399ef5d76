package org.nodulab.core.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.SelfValidating;
import org.nodulab.core.settings.Size;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Split of the scans: by LUNA16 subsets (the natural folds) or a seeded random split by ratios (the
 * notebook's 7:1:2).
 */
@JsonPropertyOrder({ "mode", "train", "validation", "test", "ratios", "folds", "fold" })
public class SplitSettings implements SelfValidating {

	public enum Mode {
		SUBSETS, RANDOM
	}

	@JsonPropertyDescription("subsets: use the subset lists below; random: split scans by 'ratios' with the experiment seed")
	public Mode mode = Mode.SUBSETS;

	@Range(min = 0, max = 9)
	@JsonPropertyDescription("LUNA16 subsets used for training")
	public List<Integer> train = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7));

	@Range(min = 0, max = 9)
	@JsonPropertyDescription("LUNA16 subsets used for validation (epoch selection, ensemble weights)")
	public List<Integer> validation = new ArrayList<>(List.of(8));

	@Range(min = 0, max = 9)
	@JsonPropertyDescription("LUNA16 subsets used for the test FROC")
	public List<Integer> test = new ArrayList<>(List.of(9));

	@Size(min = 3, max = 3)
	@Range(min = 0, max = 1)
	@JsonPropertyDescription("train, validation, test fractions for mode 'random'")
	public List<Double> ratios = new ArrayList<>(List.of(0.7, 0.1, 0.2));

	@Range(min = 0, max = 100)
	@JsonPropertyDescription("Mode 'random' as cross-validation: the shuffled scans in this many groups (test = group 'fold', validation = the next, training = the rest); 0: use 'ratios'. 'nodulab cv' sets it")
	public int folds = 0;

	@Range(min = 0, max = 99)
	@JsonPropertyDescription("The fold of mode 'random' with 'folds' > 0")
	public int fold = 0;

	@Override
	public void validate(ProblemSink problems) {
		if (folds > 0 && fold >= folds) {
			problems.add("fold", "must be below folds (" + folds + "), got " + fold);
		}
		if (folds == 1) {
			problems.add("folds", "cross-validation needs 2 folds or more (0: no folds)");
		}
		if (mode == Mode.SUBSETS) {
			if (train == null || train.isEmpty()) {
				problems.add("train", "must list at least one subset");
			}
			Set<Integer> seen = new HashSet<>();
			checkDisjoint("train", train, seen, problems);
			checkDisjoint("validation", validation, seen, problems);
			checkDisjoint("test", test, seen, problems);
		} else if (ratios != null && ratios.size() == 3) {
			double sum = ratios.stream().mapToDouble(Double::doubleValue).sum();
			if (Math.abs(sum - 1.0) > 1e-6) {
				problems.add("ratios", "must add up to 1, add up to " + sum);
			}
			if (ratios.get(0) <= 0) {
				problems.add("ratios[0]", "the training fraction must be greater than 0");
			}
		}
	}

	private static void checkDisjoint(String key, List<Integer> subsets, Set<Integer> seen, ProblemSink problems) {
		if (subsets == null) {
			return;
		}
		for (int i = 0; i < subsets.size(); i++) {
			Integer s = subsets.get(i);
			if (s != null && !seen.add(s)) {
				problems.add(key + "[" + i + "]", "subset " + s + " is used twice; train, validation and test must not share subsets");
			}
		}
	}
}
