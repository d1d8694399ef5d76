package org.nodulab.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.luna16.Luna16Csv.CsvException;

/**
 * A dataset in the LUNA16 layout: {@code subset0..9/<seriesuid>.mhd} (+ {@code .raw}),
 * {@code annotations.csv}, {@code annotations_excluded.csv}, {@code seriesuids.csv} and candidate
 * files ({@code candidates.csv}, {@code candidates_V2.csv} or any detector's), optionally lung masks
 * in {@code seg-lungs-LUNA16/<seriesuid>.mhd}. The subsets are the folds. Scans may be missing (only
 * some subsets downloaded): the scan list is what is on disk; {@code seriesuids.csv} says which scans
 * exist at all, and a seriesuid in no list is an error naming the file and line.
 */
public final class Luna16Dataset {

	public static final String ANNOTATIONS = "annotations.csv";
	public static final String EXCLUDED = "annotations_excluded.csv";
	public static final String SERIESUIDS = "seriesuids.csv";
	public static final String LUNG_MASKS = "seg-lungs-LUNA16";
	private static final Pattern SUBSET = Pattern.compile("subset(\\d+)");

	/** A scan on disk: its seriesuid, subset (fold) and MetaImage header. */
	public record Scan(String uid, int subset, Path file) {
	}

	private final Path root;
	private final Map<String, Scan> scans;
	private final List<String> listed;
	private final List<Annotation> annotations;
	private final List<Annotation> excluded;
	private final Map<String, List<Annotation>> annotationsByScan = new HashMap<>();
	private final Map<Path, CandidateTable> candidates = new ConcurrentHashMap<>();

	private Luna16Dataset(Path root, Map<String, Scan> scans, List<String> listed, List<Annotation> annotations,
			List<Annotation> excluded) {
		this.root = root;
		this.scans = scans;
		this.listed = listed;
		this.annotations = annotations;
		this.excluded = excluded;
		annotations.forEach(a -> annotationsByScan.computeIfAbsent(a.seriesuid(), k -> new ArrayList<>()).add(a));
	}

	/**
	 * Opens a dataset: finds the scans in the subset folders and reads the annotation files and the
	 * series list (candidate files are read on demand, see {@link #candidates(String)}).
	 *
	 * @throws IOException naming the file (and line) that is missing or malformed
	 */
	public static Luna16Dataset open(Path root) throws IOException {
		if (!Files.isDirectory(root)) {
			throw new DatasetException(root, "not a folder; expected a dataset in the LUNA16 layout (subset0..9, "
					+ ANNOTATIONS + ", " + SERIESUIDS + ", candidates)");
		}
		Map<String, Scan> scans = new LinkedHashMap<>();
		List<Path> subsets;
		try (Stream<Path> list = Files.list(root)) {
			subsets = list.filter(Files::isDirectory).filter(p -> SUBSET.matcher(p.getFileName().toString()).matches())
					.sorted((a, b) -> Integer.compare(subsetNumber(a), subsetNumber(b))).toList();
		}
		for (Path subset : subsets) {
			int k = subsetNumber(subset);
			List<Path> headers;
			try (Stream<Path> list = Files.list(subset)) {
				headers = list.filter(p -> {
					String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
					return n.endsWith(".mhd") || n.endsWith(".mha");
				}).sorted().toList();
			}
			for (Path header : headers) {
				String name = header.getFileName().toString();
				String uid = name.substring(0, name.lastIndexOf('.'));
				Scan previous = scans.putIfAbsent(uid, new Scan(uid, k, header));
				if (previous != null) {
					throw new DatasetException(header, "scan " + uid + " is also in " + previous.file()
							+ ": a scan belongs to one subset");
				}
			}
		}
		Path seriesFile = root.resolve(SERIESUIDS);
		List<String> listed = Files.exists(seriesFile) ? Luna16Csv.readSeriesUids(seriesFile) : List.copyOf(scans.keySet());
		Set<String> known = new LinkedHashSet<>(listed);
		for (Scan scan : scans.values()) {
			if (!known.contains(scan.uid())) {
				throw new DatasetException(scan.file(), "scan " + scan.uid() + " is not listed in " + seriesFile);
			}
		}
		List<Annotation> annotations = readAnnotations(root.resolve(ANNOTATIONS), known, seriesFile, true);
		List<Annotation> excluded = readAnnotations(root.resolve(EXCLUDED), known, seriesFile, false);
		return new Luna16Dataset(root, Collections.unmodifiableMap(scans), listed, annotations, excluded);
	}

	private static int subsetNumber(Path folder) {
		Matcher m = SUBSET.matcher(folder.getFileName().toString());
		return m.matches() ? Integer.parseInt(m.group(1)) : -1;
	}

	private static List<Annotation> readAnnotations(Path file, Set<String> known, Path seriesFile, boolean required)
			throws IOException {
		if (!Files.exists(file)) {
			if (required) {
				throw new DatasetException(file, "missing: a LUNA16 dataset needs its annotations (seriesuid, coordX, coordY, coordZ, diameter_mm)");
			}
			return List.of();
		}
		List<Annotation> list = new ArrayList<>();
		Luna16Csv.streamAnnotations(file, (line, a) -> {
			if (!known.contains(a.seriesuid())) {
				throw new CsvException(file, line, "unknown seriesuid '" + a.seriesuid() + "': not in " + seriesFile);
			}
			list.add(a);
		});
		return List.copyOf(list);
	}

	public Path root() {
		return root;
	}

	/** The scans on disk, by subset, then by file name. */
	public List<Scan> scans() {
		return List.copyOf(scans.values());
	}

	public Optional<Scan> scan(String uid) {
		return Optional.ofNullable(scans.get(uid));
	}

	/** The scans of the given subsets. */
	public List<Scan> scansOf(List<Integer> subsets) {
		return scans.values().stream().filter(s -> subsets.contains(s.subset())).toList();
	}

	/** The subset numbers present on disk. */
	public List<Integer> subsets() {
		return scans.values().stream().map(Scan::subset).distinct().sorted().toList();
	}

	/** Every seriesuid of the dataset ({@code seriesuids.csv}; the scans on disk when it is missing). */
	public List<String> listedUids() {
		return listed;
	}

	/** Listed scans that are not on disk. */
	public List<String> missingScans() {
		return listed.stream().filter(u -> !scans.containsKey(u)).toList();
	}

	/** The annotated nodules (annotations.csv), in file order. */
	public List<Annotation> annotations() {
		return annotations;
	}

	/** The nodules of one scan. */
	public List<Annotation> annotationsOf(String uid) {
		return annotationsByScan.getOrDefault(uid, List.of());
	}

	/** Findings that count neither as hit nor as false positive (annotations_excluded.csv; empty if missing). */
	public List<Annotation> excluded() {
		return excluded;
	}

	public Path annotationsFile() {
		return root.resolve(ANNOTATIONS);
	}

	public Path excludedFile() {
		return root.resolve(EXCLUDED);
	}

	public Path seriesUidsFile() {
		return root.resolve(SERIESUIDS);
	}

	/** The true or precomputed lung mask of a scan, when the dataset has one. */
	public Optional<Path> lungMask(String uid) {
		Path mask = root.resolve(LUNG_MASKS).resolve(uid + ".mhd");
		return Files.exists(mask) ? Optional.of(mask) : Optional.empty();
	}

	/**
	 * A candidate file of this dataset, read once and kept.
	 *
	 * @param name a file name in the dataset folder (e.g. {@code candidates_V2.csv}) or a path
	 * @throws IOException naming file and line of a malformed row or of a seriesuid that is not in the
	 *             dataset
	 */
	public CandidateTable candidates(String name) throws IOException {
		Path file = root.resolve(name).normalize();
		CandidateTable table = candidates.get(file);
		if (table == null) {
			if (!Files.exists(file)) {
				throw new DatasetException(file, "candidate file does not exist" + availableCandidates());
			}
			Set<String> known = new java.util.HashSet<>(listed);
			table = CandidateTable.read(file, known::contains,
					"not in " + seriesUidsFile() + " and no subset*/<seriesuid>.mhd in " + root);
			candidates.put(file, table);
		}
		return table;
	}

	private String availableCandidates() throws IOException {
		try (Stream<Path> list = Files.list(root)) {
			List<String> csv = list.map(p -> p.getFileName().toString())
					.filter(n -> n.startsWith("candidates") && n.endsWith(".csv")).sorted().toList();
			return csv.isEmpty() ? "" : "; the dataset has " + String.join(", ", csv);
		}
	}

	@Override
	public String toString() {
		return "LUNA16 dataset " + root + " (" + scans.size() + " of " + listed.size() + " scans, " + annotations.size()
				+ " nodules)";
	}
}
