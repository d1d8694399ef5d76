package org.nodulab.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.ExperimentCheck;
import org.nodulab.core.experiment.SplitSettings;
import org.nodulab.core.settings.SettingsProblem;
import org.nodulab.dataset.Luna16Dataset;
import org.osgi.service.component.annotations.Component;

/**
 * Checks, before any work starts, that an experiment's data exist: the dataset folder in the LUNA16
 * layout, its candidate files, scans in every subset the split names, and candidates of both classes
 * on the training scans.
 */
@Component(service = ExperimentCheck.class)
public class ExperimentDataCheck implements ExperimentCheck {

	@Override
	public void check(Experiment e, List<SettingsProblem> problems) {
		if (e.dataset == null || e.dataset.path == null || e.baseDir == null) {
			return; // built in memory: the caller checks its data
		}
		Path root = e.resolve(e.dataset.path);
		if (!Files.isDirectory(root)) {
			problems.add(new SettingsProblem("dataset.path", 0, "folder " + root + " does not exist"
					+ (root.toString().contains("synthetic") ? " (nodulab synth --out " + root + " writes the synthetic benchmark)" : "")));
			return;
		}
		Luna16Dataset dataset;
		try {
			dataset = Luna16Dataset.open(root);
		} catch (Exception x) {
			problems.add(new SettingsProblem("dataset.path", 0, x.getMessage()));
			return;
		}
		for (String key : new String[] { "candidates", "predictCandidates", "extraNegatives.file" }) {
			String name = key.equals("candidates") ? e.dataset.candidates
					: key.equals("predictCandidates") ? e.dataset.predictCandidates : e.dataset.extraNegatives.file;
			if (name != null && !name.isBlank() && !Files.isRegularFile(root.resolve(name))) {
				problems.add(new SettingsProblem("dataset." + key, 0, "file " + root.resolve(name) + " does not exist"));
			}
		}
		if (e.training != null && e.training.initFrom != null && !e.training.initFrom.isBlank() && !e.initFromPlanned) {
			try {
				checkInitFrom(e);
			} catch (Exception x) {
				problems.add(new SettingsProblem("training.initFrom", 0, x.getMessage()));
			}
		}
		SplitSettings s = e.dataset.split;
		if (s.mode == SplitSettings.Mode.SUBSETS) {
			checkSubsets(dataset, "dataset.split.train", s.train, problems);
			checkSubsets(dataset, "dataset.split.validation", s.validation, problems);
			checkSubsets(dataset, "dataset.split.test", s.test, problems);
		} else if (dataset.scans().size() < 3 && s.folds == 0) {
			problems.add(new SettingsProblem("dataset.split.mode", 0, "a random split needs 3 scans or more; " + root + " has "
					+ dataset.scans().size()));
		}
		if (problems.isEmpty() && Files.isRegularFile(root.resolve(e.dataset.candidates))) {
			try {
				var table = TrainingCandidates.of(dataset, e.dataset).table();
				var split = TrainingData.split(dataset, s, e.seed);
				CandidateSet train = CandidateSet.of(dataset, table, split.get(0).stream().map(Luna16Dataset.Scan::uid).toList());
				if (train.withLabel(1).length == 0 || train.withLabel(0).length == 0) {
					problems.add(new SettingsProblem(train.withLabel(1).length == 0 && !e.dataset.positiveDiameter.all()
							? "dataset.positiveDiameter" : "dataset.split.train", 0, "the training scans have " + train.withLabel(1).length
							+ " positive and " + train.withLabel(0).length + " negative candidates in " + table.file()
							+ (e.dataset.positiveDiameter.all() ? "" : " with positives of " + e.dataset.positiveDiameter.min + " to "
									+ e.dataset.positiveDiameter.max + " mm")
							+ "; training needs both"));
				}
			} catch (TrainingCandidates.Refusal x) {
				problems.add(new SettingsProblem(x.key(), 0, x.getMessage()));
			} catch (Exception x) {
				problems.add(new SettingsProblem("dataset.candidates", 0, x.getMessage()));
			}
		}
	}

	/** Checks that the model to fine-tune from exists and verifies (its checkpoint's hash). */
	public static void checkInitFrom(Experiment e) throws Exception {
		ModelRef ref = ModelRef.parse(e.training.initFrom, e.resolve(e.output.runs));
		RunDirectory run = RunDirectory.open(ref.run());
		Checkpoints.Checkpoint c = ref.resolve(run);
		try (var in = Checkpoints.openVerified(c)) {
			// readable and intact
		}
	}

	private static void checkSubsets(Luna16Dataset dataset, String key, List<Integer> subsets, List<SettingsProblem> problems) {
		if (subsets == null) {
			return;
		}
		for (int i = 0; i < subsets.size(); i++) {
			int s = subsets.get(i);
			if (dataset.scansOf(List.of(s)).isEmpty()) {
				problems.add(new SettingsProblem(key + "[" + i + "]", 0, "subset " + s + " has no scans in " + dataset.root()
						+ " (it has subsets " + dataset.subsets() + ")"));
			}
		}
	}
}
