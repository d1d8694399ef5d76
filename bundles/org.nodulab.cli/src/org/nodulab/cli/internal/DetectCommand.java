package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.detect.Detection;
import org.nodulab.detect.DetectionCsv;
import org.nodulab.detect.DetectionException;
import org.nodulab.detect.DetectionResult;
import org.nodulab.detect.DetectorRegistry;
import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.HitRule;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeReaderRegistry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab detect}: candidate detection on a dataset, a scan or a DICOM series. */
@Command(name = "detect", description = "Find nodule candidates with a detector (the multi-scale blob detector unless --detector names another) in every scan of a dataset, in one scan (.mhd, a DICOM file) or in a DICOM series folder, and write them as a LUNA16 candidate file (seriesuid,coordX,coordY,coordZ,probability,diameter_mm) that nodulab eval, nodulab dataset label and experiments read. On a dataset with annotations it prints each scan's and the overall sensitivity and false positives per scan by the LUNA16 hit rule.")
public final class DetectCommand implements Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Parameters(paramLabel = "<input>", description = "A dataset folder in the LUNA16 layout (subset0..9), a scan file or a DICOM series folder.")
	Path input;

	@Option(names = "--out", required = true, paramLabel = "FILE", description = "The candidate file to write (never overwritten).")
	Path output;

	@picocli.CommandLine.Mixin
	DetectorOptions detection = new DetectorOptions();

	@Option(names = { "-o", "--option" }, paramLabel = "KEY=VALUE", description = "A reader setting for a scan or series, e.g. -o series=1.2.3 for a folder with several DICOM series.")
	Map<String, String> readerOptions = new LinkedHashMap<>();

	@Option(names = "--subset", paramLabel = "K", split = ",", description = "On a dataset: only the scans of these subsets (e.g. --subset 8,9).")
	List<Integer> subsets;

	@Option(names = "--uid", paramLabel = "SERIESUID", description = "On one scan: the seriesuid written into the file (default: the DICOM series UID, or the file name without its extension).")
	String uid;

	public DetectCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		if (Files.exists(output)) {
			throw new FileAlreadyExistsException(output.toString(), null, "exists; candidate files are never overwritten (choose a new --out)");
		}
		DetectorRegistry.Configured configured = services.get(DetectorRegistry.class).configure(detection.id, detection.options);
		VolumeReaderRegistry readers = services.get(VolumeReaderRegistry.class);
		PrintWriter out = spec.commandLine().getOut();
		long start = System.nanoTime();
		if (isDataset(input)) {
			return dataset(configured, readers, out, start);
		}
		if (subsets != null) {
			throw new IllegalArgumentException("--subset applies to a dataset folder; " + input + " is a scan");
		}
		Volume volume = readers.read(input, readerOptions);
		String seriesuid = uid != null ? uid : seriesUid(volume, input);
		DetectionResult result = configured.detect(volume);
		Map<String, List<Detection>> byScan = new LinkedHashMap<>();
		byScan.put(seriesuid, result.detections());
		DetectionCsv.write(output, byScan);
		out.printf(Locale.ROOT, "%s: %d candidates (%s)%n", seriesuid, result.detections().size(), facts(result));
		out.printf(Locale.ROOT, "  written to %s in %.1f s%n", output, (System.nanoTime() - start) / 1e9);
		return 0;
	}

	private int dataset(DetectorRegistry.Configured configured, VolumeReaderRegistry readers, PrintWriter out, long start)
			throws Exception {
		if (!readerOptions.isEmpty()) {
			throw new IllegalArgumentException("-o reader options apply to a scan or series; " + input + " is a dataset");
		}
		Luna16Dataset dataset = Luna16Dataset.open(input);
		List<Luna16Dataset.Scan> scans = subsets == null ? dataset.scans() : dataset.scansOf(subsets);
		if (scans.isEmpty()) {
			throw new IllegalArgumentException(input + ": no scans" + (subsets == null ? "" : " in subsets " + subsets));
		}
		Map<String, List<Annotation>> excluded = new LinkedHashMap<>();
		dataset.excluded().forEach(a -> excluded.computeIfAbsent(a.seriesuid(), k -> new ArrayList<>()).add(a));
		boolean annotated = !dataset.annotations().isEmpty();
		Map<String, List<Detection>> byScan = new LinkedHashMap<>();
		List<String> failed = new ArrayList<>();
		int nodules = 0;
		int found = 0;
		long falsePositives = 0;
		long candidates = 0;
		for (int i = 0; i < scans.size(); i++) {
			Luna16Dataset.Scan scan = scans.get(i);
			long t = System.nanoTime();
			DetectionResult result;
			try {
				result = configured.detect(readers.read(scan.file()));
			} catch (DetectionException e) {
				failed.add(scan.uid() + " (" + scan.file() + "): " + e.getMessage());
				out.printf(Locale.ROOT, "  scan %d/%d %s: %s%n", i + 1, scans.size(), scan.uid(), e.getMessage());
				continue;
			}
			List<Detection> detections = result.detections();
			byScan.put(scan.uid(), detections);
			candidates += detections.size();
			String hits = "";
			if (annotated) {
				List<Annotation> these = dataset.annotationsOf(scan.uid());
				int hit = 0;
				for (Annotation a : these) {
					hit += detections.stream().anyMatch(d -> HitRule.hits(a, d.x(), d.y(), d.z())) ? 1 : 0;
				}
				int fp = 0;
				for (Detection d : detections) {
					boolean onFinding = these.stream().anyMatch(a -> HitRule.hits(a, d.x(), d.y(), d.z()))
							|| excluded.getOrDefault(scan.uid(), List.of()).stream().anyMatch(a -> HitRule.hits(a, d.x(), d.y(), d.z()));
					fp += onFinding ? 0 : 1;
				}
				nodules += these.size();
				found += hit;
				falsePositives += fp;
				hits = String.format(Locale.ROOT, ", %d of %d nodules", hit, these.size());
			}
			out.printf(Locale.ROOT, "  scan %d/%d %s: %d candidates%s (%.1f s)%n", i + 1, scans.size(), scan.uid(),
					detections.size(), hits, (System.nanoTime() - t) / 1e9);
		}
		if (!byScan.isEmpty()) {
			DetectionCsv.write(output, byScan);
		}
		int done = byScan.size();
		out.printf(Locale.ROOT, "%s on %d scans: %d candidates (%.1f per scan)%n", configured.descriptor().id(), done, candidates,
				done == 0 ? 0.0 : candidates / (double) done);
		if (annotated && done > 0) {
			out.printf(Locale.ROOT, "  sensitivity %.3f (%d of %d nodules) at %.1f false positives per scan (LUNA16 hit rule)%n",
					nodules == 0 ? Double.NaN : found / (double) nodules, found, nodules, falsePositives / (double) done);
		}
		if (done > 0) {
			out.printf(Locale.ROOT, "  written to %s in %.1f s%n", output, (System.nanoTime() - start) / 1e9);
		}
		if (!failed.isEmpty()) {
			PrintWriter err = spec.commandLine().getErr();
			err.printf(Locale.ROOT, "nodulab detect: %d of %d scans could not be searched%s:%n", failed.size(), scans.size(),
					done > 0 ? " (the others are in " + output + ")" : "; nothing was written");
			failed.forEach(f -> err.println("  " + f));
			return NodulabCommand.INVALID_INPUT;
		}
		return 0;
	}

	/** Whether a path is a dataset in the LUNA16 layout (a folder with subset folders). */
	static boolean isDataset(Path path) throws java.io.IOException {
		if (!Files.isDirectory(path)) {
			return false;
		}
		try (Stream<Path> list = Files.list(path)) {
			return list.anyMatch(p -> Files.isDirectory(p) && p.getFileName().toString().matches("subset\\d+"));
		}
	}

	/** The DICOM series UID a reader recorded, else the file name without its extension. */
	static String seriesUid(Volume volume, Path file) {
		String series = volume.metadata().get("series");
		if (series != null && !series.isBlank()) {
			return series.strip().split("\\s+", 2)[0];
		}
		String name = file.toAbsolutePath().normalize().getFileName().toString();
		int dot = name.lastIndexOf('.');
		return dot > 0 ? name.substring(0, dot) : name;
	}

	private static String facts(DetectionResult result) {
		return String.join(", ", result.facts().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList());
	}
}
