package org.nodulab.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.SplitSettings;
import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.dataset.ScanVolumes;
import org.nodulab.volume.VolumeReaderRegistry;

/**
 * The data of an experiment: the dataset, its scans split into training, validation and test sets,
 * the training candidates on the training scans and the prediction candidates on the others.
 */
public final class TrainingData {

	private final Luna16Dataset dataset;
	private final ScanVolumes volumes;
	private final List<Luna16Dataset.Scan> trainScans;
	private final CandidateSet train;
	private final CandidateSet validation;
	private final CandidateSet test;
	private final TrainingCandidates.Result trainCandidates;

	private TrainingData(Luna16Dataset dataset, ScanVolumes volumes, List<Luna16Dataset.Scan> trainScans, CandidateSet train,
			CandidateSet validation, CandidateSet test, TrainingCandidates.Result trainCandidates) {
		this.dataset = dataset;
		this.trainCandidates = trainCandidates;
		this.volumes = volumes;
		this.trainScans = trainScans;
		this.train = train;
		this.validation = validation;
		this.test = test;
	}

	public static TrainingData open(Experiment e, VolumeReaderRegistry readers) throws IOException {
		Luna16Dataset dataset = Luna16Dataset.open(e.resolve(e.dataset.path));
		List<List<Luna16Dataset.Scan>> split = split(dataset, e.dataset.split, e.seed);
		TrainingCandidates.Result candidates = TrainingCandidates.of(dataset, e.dataset);
		CandidateTable trainTable = candidates.table();
		String predictName = e.dataset.predictCandidates == null || e.dataset.predictCandidates.isBlank()
				? e.dataset.candidates
				: e.dataset.predictCandidates;
		CandidateTable predictTable = predictName.equals(e.dataset.candidates) ? candidates.source()
				: TrainingCandidates.labelled(dataset, e.dataset, predictName); // the same file is labelled once
		ScanVolumes volumes = new ScanVolumes(dataset, readers);
		CandidateSet train = CandidateSet.of(dataset, trainTable, uids(split.get(0)));
		CandidateSet validation = CandidateSet.of(dataset, predictTable, uids(split.get(1)));
		CandidateSet test = CandidateSet.of(dataset, predictTable, uids(split.get(2)));
		if (e.preprocessing.lungMask) {
			// candidates outside the dilated lung mask (the dataset's own where it has one) are dropped
			java.util.Map<CandidateTable, int[]> kept = new java.util.HashMap<>();
			train = inLungs(train, volumes, e.preprocessing.lungMaskDilation, kept);
			validation = inLungs(validation, volumes, e.preprocessing.lungMaskDilation, kept);
			test = inLungs(test, volumes, e.preprocessing.lungMaskDilation, kept);
		}
		return new TrainingData(dataset, volumes, split.get(0), train, validation, test, candidates);
	}

	private static CandidateSet inLungs(CandidateSet set, ScanVolumes volumes, double dilationMm,
			java.util.Map<CandidateTable, int[]> cache) throws IOException {
		int[] kept = cache.get(set.table());
		if (kept == null) {
			kept = org.nodulab.dataset.LungFilter.apply(volumes, set.table(), dilationMm, true,
					org.nodulab.preprocess.LungSegmentation.Settings.defaults()).keptRows();
			cache.put(set.table(), kept);
		}
		java.util.Set<Integer> keep = new java.util.HashSet<>();
		for (int r : kept) {
			keep.add(r);
		}
		int[] indices = java.util.stream.IntStream.range(0, set.size()).filter(i -> keep.contains(set.row(i))).toArray();
		return set.subset(indices);
	}

	private static List<String> uids(List<Luna16Dataset.Scan> scans) {
		return scans.stream().map(Luna16Dataset.Scan::uid).toList();
	}

	/**
	 * Training, validation and test scans. Subsets: the listed subsets (a fold of cross-validation when
	 * {@code folds > 0}: test = subset {@code fold}, validation = the next one, training = the rest of
	 * those present). Random: the scans sorted by uid, shuffled with the seed, cut by the ratios (or
	 * into {@code folds} groups).
	 */
	public static List<List<Luna16Dataset.Scan>> split(Luna16Dataset dataset, SplitSettings s, long seed) {
		List<List<Luna16Dataset.Scan>> out = new ArrayList<>();
		if (s.mode == SplitSettings.Mode.SUBSETS) {
			out.add(dataset.scansOf(s.train));
			out.add(dataset.scansOf(s.validation == null ? List.of() : s.validation));
			out.add(dataset.scansOf(s.test == null ? List.of() : s.test));
			return out;
		}
		List<Luna16Dataset.Scan> scans = new ArrayList<>(dataset.scans());
		scans.sort(Comparator.comparing(Luna16Dataset.Scan::uid));
		SplittableRandom random = new SplittableRandom(Seeds.mix(seed, 0x5B17));
		for (int i = scans.size() - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			var t = scans.get(i);
			scans.set(i, scans.get(j));
			scans.set(j, t);
		}
		if (s.folds > 0) {
			List<List<Luna16Dataset.Scan>> groups = new ArrayList<>();
			for (int g = 0; g < s.folds; g++) {
				groups.add(new ArrayList<>());
			}
			for (int i = 0; i < scans.size(); i++) {
				groups.get(i % s.folds).add(scans.get(i));
			}
			int test = s.fold;
			int validation = (s.fold + 1) % s.folds;
			List<Luna16Dataset.Scan> train = new ArrayList<>();
			for (int g = 0; g < s.folds; g++) {
				if (g != test && g != validation) {
					train.addAll(groups.get(g));
				}
			}
			out.add(train);
			out.add(s.folds > 2 ? groups.get(validation) : List.of());
			out.add(groups.get(test));
			if (s.folds == 2) {
				out.set(0, groups.get(validation));
			}
			return out;
		}
		int n = scans.size();
		int nTrain = (int) Math.round(s.ratios.get(0) * n);
		int nValidation = (int) Math.round(s.ratios.get(1) * n);
		nTrain = Math.max(1, Math.min(n, nTrain));
		nValidation = Math.max(0, Math.min(n - nTrain, nValidation));
		out.add(scans.subList(0, nTrain));
		out.add(scans.subList(nTrain, nTrain + nValidation));
		out.add(scans.subList(nTrain + nValidation, n));
		return out;
	}

	public Luna16Dataset dataset() {
		return dataset;
	}

	public ScanVolumes volumes() {
		return volumes;
	}

	public List<Luna16Dataset.Scan> trainScans() {
		return trainScans;
	}

	public CandidateSet train() {
		return train;
	}

	public CandidateSet validation() {
		return validation;
	}

	public CandidateSet test() {
		return test;
	}

	/** How the training candidates were put together (empty when they are the candidate file's rows). */
	public String trainingCandidatesSummary() {
		return trainCandidates.summary();
	}

	/** The files a run reads: annotation and candidate files, the series list, and every file of the split's scans. */
	public List<Path> inputFiles() throws IOException {
		Set<Path> files = new LinkedHashSet<>();
		files.add(dataset.annotationsFile());
		files.add(dataset.excludedFile());
		if (Files.exists(dataset.seriesUidsFile())) {
			files.add(dataset.seriesUidsFile());
		}
		files.addAll(trainCandidates.files());
		files.add(test.table().file());
		Set<String> uids = new LinkedHashSet<>();
		uids.addAll(train.scans());
		uids.addAll(validation.scans());
		uids.addAll(test.scans());
		for (String uid : uids) {
			Path f = dataset.scan(uid).orElseThrow().file();
			if (Files.isDirectory(f)) {
				try (Stream<Path> s = Files.list(f)) {
					s.filter(Files::isRegularFile).sorted().forEach(files::add);
				}
			} else {
				String name = f.getFileName().toString();
				String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
				try (Stream<Path> s = Files.list(f.getParent())) {
					s.filter(p -> p.getFileName().toString().startsWith(stem + ".")).sorted().forEach(files::add);
				}
			}
		}
		return new ArrayList<>(files);
	}
}
