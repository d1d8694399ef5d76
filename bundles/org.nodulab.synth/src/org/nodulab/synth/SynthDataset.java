package org.nodulab.synth;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.nodulab.core.io.AtomicFiles;
import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.core.settings.SettingsProblem;
import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Prediction;
import org.nodulab.eval.froc.FrocResult;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.eval.froc.Luna16Evaluation;
import org.nodulab.volume.VolumeWriterRegistry;

/**
 * Writes the synthetic LUNA16 benchmark: {@code subset0..9/<uid>.mhd/.raw}, {@code annotations.csv},
 * {@code annotations_excluded.csv}, {@code candidates_V2.csv} (stage 1, with class),
 * {@code candidates_stage2.csv} (probability and class), {@code seriesuids.csv}, the true lung masks
 * in {@code seg-lungs-LUNA16/}, and in {@code synth/}: the settings that regenerate it, every finding
 * and candidate with its kind, the mean-HU baseline's results and its FROC summary. The dataset is
 * written into a temporary folder beside the target and renamed into place when complete, so a
 * failure leaves nothing half-written, and an existing dataset is never overwritten.
 */
public final class SynthDataset {

	/** The lowest and highest CPM the mean-HU baseline may score on the default benchmark. */
	public static final double BASELINE_CPM_MIN = 0.40;
	public static final double BASELINE_CPM_MAX = 0.60;

	/** What was generated. */
	public record Summary(Path dir, int scans, int nodules, int excluded, int candidates, int positives,
			int stage2Candidates, int stage2Positives, int nodulesWithCandidate, long voxels, double seconds,
			FrocResult baseline) {

		public double baselineCpm() {
			return baseline.cpm();
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"%d scans, %.1f M voxels; %d nodules (%d with a stage-1 candidate), %d excluded findings; "
							+ "candidates_V2: %d (%d positive, %.1f per scan); stage 2: %d (%d positive); %.1f s",
					scans, voxels / 1e6, nodules, nodulesWithCandidate, excluded, candidates, positives,
					candidates / (double) scans, stage2Candidates, stage2Positives, seconds);
		}
	}

	private SynthDataset() {
	}

	/**
	 * Generates a dataset.
	 *
	 * @param out a folder that does not exist yet (or is empty)
	 * @param gallery whether to write pictures of typical nodules and false positives into synth/
	 * @param progress receives one line per scan
	 * @throws FileAlreadyExistsException when {@code out} exists and is not empty
	 */
	public static Summary generate(VolumeWriterRegistry writers, SynthSettings settings, Path out, boolean gallery, Consumer<String> progress)
			throws IOException {
		List<SettingsProblem> problems = new SettingsCodec().validate(settings);
		if (!problems.isEmpty()) {
			throw new IllegalArgumentException("invalid synth settings: "
					+ String.join("; ", problems.stream().map(p -> p.path() + ": " + p.message()).toList()));
		}
		Path target = out.toAbsolutePath().normalize();
		if (Files.exists(target) && !isEmptyFolder(target)) {
			throw new FileAlreadyExistsException(target.toString(), null,
					"exists and is not empty; datasets are never overwritten (choose a new --out)");
		}
		Files.createDirectories(target.getParent());
		// not Files.createTempDirectory: its folders are private (0700); a dataset keeps the user's umask
		Path work = target.resolveSibling("." + target.getFileName() + ".partial-"
				+ Long.toUnsignedString(new java.security.SecureRandom().nextLong(), 36));
		Files.createDirectory(work);
		long t0 = System.nanoTime();
		ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
			Thread t = new Thread(r, "nodulab-synth");
			t.setDaemon(true);
			return t;
		});
		try {
			Summary summary = write(writers, settings, work, gallery, progress, pool, t0);
			if (Files.exists(target)) {
				Files.delete(target); // the empty folder
			}
			try {
				Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
			} catch (AtomicMoveNotSupportedException e) {
				Files.move(work, target);
			}
			return new Summary(target, summary.scans(), summary.nodules(), summary.excluded(), summary.candidates(),
					summary.positives(), summary.stage2Candidates(), summary.stage2Positives(),
					summary.nodulesWithCandidate(), summary.voxels(), (System.nanoTime() - t0) / 1e9, summary.baseline());
		} finally {
			pool.shutdownNow();
			if (Files.exists(work)) {
				deleteTree(work);
			}
		}
	}

	private static Summary write(VolumeWriterRegistry writers, SynthSettings settings, Path dir, boolean withGallery, Consumer<String> progress,
			ExecutorService pool, long t0) throws IOException {
		List<String> uids = new ArrayList<>();
		List<Annotation> annotations = new ArrayList<>();
		List<Annotation> excluded = new ArrayList<>();
		List<Prediction> baseline = new ArrayList<>();
		StringBuilder candidates = new StringBuilder("seriesuid,coordX,coordY,coordZ,class\n");
		StringBuilder stage2 = new StringBuilder("seriesuid,coordX,coordY,coordZ,probability,class\n");
		StringBuilder findings = new StringBuilder("seriesuid,coordX,coordY,coordZ,diameter_mm,kind,file\n");
		StringBuilder kinds = new StringBuilder("seriesuid,coordX,coordY,coordZ,class,kind,meanHu5mm\n");
		int nCandidates = 0;
		int positives = 0;
		int nStage2 = 0;
		int stage2Positives = 0;
		int found = 0;
		long voxels = 0;
		Gallery gallery = withGallery ? new Gallery() : null;
		for (int i = 0; i < settings.scans; i++) {
			if (Thread.currentThread().isInterrupted()) {
				throw new java.io.InterruptedIOException("interrupted after " + i + " scans");
			}
			SynthScan scan = new Phantom(settings, i).generate(pool);
			String uid = scan.uid();
			uids.add(uid);
			Path subset = dir.resolve("subset" + scan.subset());
			Files.createDirectories(subset);
			write(writers, subset.resolve(uid + ".mhd"), scan.volume(), null);
			Path masks = dir.resolve("seg-lungs-LUNA16");
			Files.createDirectories(masks);
			write(writers, masks.resolve(uid + ".mhd"), scan.volume(), scan.lungLabels());
			voxels += scan.volume().geometry().voxelCount();
			for (SynthScan.Finding f : scan.nodules()) {
				annotations.add(new Annotation(uid, f.x(), f.y(), f.z(), f.diameter()));
				findings.append(row(uid, f, "annotations.csv"));
				if (scan.candidates().stream().anyMatch(c -> c.label() == 1
						&& Geometry.distance(c.position(), new double[] { f.x(), f.y(), f.z() }) < f.diameter() / 2)) {
					found++;
				}
			}
			for (SynthScan.Finding f : scan.excluded()) {
				excluded.add(new Annotation(uid, f.x(), f.y(), f.z(), f.diameter()));
				findings.append(row(uid, f, "annotations_excluded.csv"));
			}
			for (SynthScan.Candidate c : scan.candidates()) {
				String position = uid + "," + fmt(c.x()) + "," + fmt(c.y()) + "," + fmt(c.z());
				candidates.append(position).append(',').append(c.label()).append('\n');
				double hu = MeanHuBaseline.meanHu(scan.volume(), c.position());
				kinds.append(position).append(',').append(c.label()).append(',').append(c.kind().id()).append(',')
						.append(String.format(Locale.ROOT, "%.1f", hu)).append('\n');
				baseline.add(new Prediction(uid, c.x(), c.y(), c.z(), MeanHuBaseline.probability(hu), c.label()));
				nCandidates++;
				positives += c.label();
			}
			for (SynthScan.Candidate c : scan.stage2()) {
				stage2.append(uid).append(',').append(fmt(c.x())).append(',').append(fmt(c.y())).append(',')
						.append(fmt(c.z())).append(',').append(fmt(c.probability())).append(',').append(c.label())
						.append('\n');
				nStage2++;
				stage2Positives += c.label();
			}
			if (gallery != null && gallery.wantsMore()) {
				gallery.collect(scan);
			}
			int[] size = scan.volume().geometry().size();
			double[] spacing = scan.volume().geometry().spacing();
			progress.accept(String.format(Locale.ROOT,
					"  scan %d/%d subset%d %dx%dx%d voxels of %.3fx%.3fx%.2f mm: %d nodules, %d excluded, %d candidates (%.1f s)",
					i + 1, settings.scans, scan.subset(), size[0], size[1], size[2], spacing[0], spacing[1], spacing[2],
					scan.nodules().size(), scan.excluded().size(), scan.candidates().size(), (System.nanoTime() - t0) / 1e9));
		}
		writeAnnotations(dir.resolve("annotations.csv"), annotations);
		writeAnnotations(dir.resolve("annotations_excluded.csv"), excluded);
		AtomicFiles.create(dir.resolve("seriesuids.csv"), String.join("\n", uids) + "\n");
		AtomicFiles.create(dir.resolve("candidates_V2.csv"), candidates);
		AtomicFiles.create(dir.resolve("candidates_stage2.csv"), stage2);
		Path synth = dir.resolve("synth");
		Files.createDirectories(synth);
		SettingsCodec codec = new SettingsCodec();
		AtomicFiles.create(synth.resolve("settings.yaml"),
				"# Regenerate this dataset with: nodulab synth --settings synth/settings.yaml --out NEW_DIR\n"
						+ codec.toYaml(settings));
		AtomicFiles.create(synth.resolve("findings.csv"), findings);
		AtomicFiles.create(synth.resolve("candidate_kinds.csv"), kinds);
		Luna16Csv.writeSubmission(synth.resolve("baseline_meanhu.csv"), baseline);
		FrocResult result = Luna16Evaluation.evaluate(uids, annotations, excluded, baseline,
				Luna16Evaluation.Options.of("baseline_meanhu"));
		AtomicFiles.create(synth.resolve("baseline_meanhu.txt"), "Mean HU in a sphere of " + MeanHuBaseline.DIAMETER
				+ " mm diameter around each candidates_V2.csv candidate, evaluated with the LUNA16 FROC.\n"
				+ result.summary() + "\n");
		if (gallery != null) {
			gallery.write(synth);
		}
		return new Summary(dir, settings.scans, annotations.size(), excluded.size(), nCandidates, positives, nStage2,
				stage2Positives, found, voxels, 0, result);
	}

	private static String row(String uid, SynthScan.Finding f, String file) {
		return uid + "," + fmt(f.x()) + "," + fmt(f.y()) + "," + fmt(f.z()) + "," + fmt(f.diameter()) + "," + f.kind() + ","
				+ file + "\n";
	}

	/** A scan (labels null) or its lung labels (compressed) through the writer its name asks for. */
	private static void write(VolumeWriterRegistry writers, Path file, org.nodulab.volume.Volume volume, byte[] labels) throws IOException {
		try {
			if (labels == null) {
				writers.write(file, volume, java.util.Map.of());
			} else {
				writers.writeLabels(file, volume.geometry(), labels, java.util.Map.of("compress", "true"));
			}
		} catch (org.nodulab.core.registry.ContributionException e) {
			throw new IOException(e.getMessage(), e);
		}
	}

	private static void writeAnnotations(Path file, List<Annotation> list) throws IOException {
		AtomicFiles.create(file, out -> {
			Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
			w.write("seriesuid,coordX,coordY,coordZ,diameter_mm\n");
			for (Annotation a : list) {
				w.write(a.seriesuid() + "," + fmt(a.x()) + "," + fmt(a.y()) + "," + fmt(a.z()) + "," + fmt(a.diameter()) + "\n");
			}
			w.flush();
		});
	}

	static String fmt(double v) {
		if (v == Math.rint(v) && Math.abs(v) < 1e15) {
			return Long.toString((long) v);
		}
		return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
	}

	private static boolean isEmptyFolder(Path p) throws IOException {
		if (!Files.isDirectory(p)) {
			return false;
		}
		try (Stream<Path> s = Files.list(p)) {
			return s.findAny().isEmpty();
		}
	}

	private static void deleteTree(Path root) throws IOException {
		try (Stream<Path> s = Files.walk(root)) {
			for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(p);
			}
		}
	}
}
