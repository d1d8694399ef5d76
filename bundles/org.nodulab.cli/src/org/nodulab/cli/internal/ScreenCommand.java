package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.nodulab.detect.DetectorRegistry;
import org.nodulab.screen.ScreenReport;
import org.nodulab.screen.Screening;
import org.nodulab.train.ExperimentRunner;
import org.nodulab.train.ModelRef;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeReaderRegistry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab screen}: a scan to a findings report. */
@Command(name = "screen", description = "Screen a new scan (a DICOM series folder, a DICOM file or a MetaImage): detect candidates, score them with trained models (averaged, with test-time augmentation as each run's experiment says), and write a report folder with findings.csv (world and voxel coordinates, slice, diameter, probability of every finding above the operating point), candidates.csv and report.html (axial, coronal and sagittal views of each finding, an overview, the models' provenance and their FROC on their test scans). The operating point is named by the models' false positives per scan on their own test scans. Patient name, ID and birth date are never read, printed or written.")
public final class ScreenCommand implements Callable<Integer>, DeviceWork {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Parameters(paramLabel = "<scan>", description = "A DICOM series folder, a DICOM file or a MetaImage (.mhd/.mha).")
	Path input;

	@Option(names = "--model", required = true, paramLabel = "RUN[/MODEL]", description = "A finished run (all its models) or one of its models; repeat to average several.")
	List<String> models = new ArrayList<>();

	@Option(names = "--out", paramLabel = "DIR", description = "The report folder (default: screening-<series>-<time> here); never overwritten.")
	Path output;

	@Option(names = "--fps", paramLabel = "N", defaultValue = "1", description = "Operating point: false positives per scan on the models' test scans (default: ${DEFAULT-VALUE}).")
	double fps;

	@picocli.CommandLine.Mixin
	DetectorOptions detection = new DetectorOptions();

	@Option(names = { "-o", "--option" }, paramLabel = "KEY=VALUE", description = "A reader setting, e.g. -o series=1.2.3 when the folder holds several series.")
	Map<String, String> readerOptions = new LinkedHashMap<>();

	@Option(names = "--tta", negatable = true, description = "Average over the 4 rotations about z (default: as each run's experiment).")
	Boolean tta;

	@Option(names = "--backend", paramLabel = "ID", description = "The compute backend that scores the candidates: each run's own (default), or onnxruntime (the models' weights in their ONNX models, run by ONNX Runtime).")
	String backend;

	@Option(names = "--precision", paramLabel = "TYPE", defaultValue = "float32", converter = PrecisionConverter.class, description = PrecisionConverter.DESCRIPTION)
	org.nodulab.core.experiment.Precision precision;

	@Option(names = "--uid", paramLabel = "SERIESUID", description = "The seriesuid in the files (default: the DICOM series UID, or the file name).")
	String uid;

	public ScreenCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		long start = System.nanoTime();
		if (output != null && Files.exists(output)) {
			throw new java.nio.file.FileAlreadyExistsException(output.toString(), null, "exists; reports are never overwritten (choose a new --out)");
		}
		for (String key : readerOptions.keySet()) {
			if (key.equals("allowNonCt")) {
				throw new IllegalArgumentException("-o allowNonCt: screening needs a CT in Hounsfield units; a series of another modality is refused");
			}
		}
		List<ModelRef> refs = new ArrayList<>();
		for (String m : models) {
			refs.add(ModelRef.parse(m, null));
		}
		PrintWriter out = spec.commandLine().getOut();
		prepareScoring(refs);
		VolumeReaderRegistry readers = services.get(VolumeReaderRegistry.class);
		Volume volume = readers.read(input, readerOptions);
		String series = uid != null ? uid : DetectCommand.seriesUid(volume, input);
		Path dir = output != null ? output
				: Path.of("screening-" + shortUid(series) + "-"
						+ java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
		var g = volume.geometry();
		out.printf(Locale.ROOT, "%s: %d x %d x %d voxels of %.3f x %.3f x %.3f mm%n", series, g.size(0), g.size(1), g.size(2),
				g.spacing()[0], g.spacing()[1], g.spacing()[2]);
		Map<String, ExperimentRunner.Tools> tools = new LinkedHashMap<>();
		Screening.ToolsFactory factory = backend -> {
			ExperimentRunner.Tools t = tools.computeIfAbsent(backend, b -> RunTools.of(services, b));
			if (services.device() != null) {
				t.backend().bind(services.device());
			}
			return t;
		};
		Screening.Result r = Screening.screen(volume, series, refs, new Screening.Options(detection.id, detection.options, tta, fps, backend, precision),
				services.get(DetectorRegistry.class), factory, services.progress(out), line -> out.println("  " + line));
		ScreenReport.write(r, dir, input, readerOptions);
		out.printf(Locale.ROOT, "%d finding%s above the operating point (probability %.4f, %s false positives per scan on the test scans)%n",
				r.findings().size(), r.findings().size() == 1 ? "" : "s", r.operatingPoint().threshold(),
				org.nodulab.luna16.Formats.shortest(fps));
		for (Screening.Finding f : r.findings()) {
			out.printf(Locale.ROOT, "  #%d at (%.1f, %.1f, %.1f) mm, slice %d, %.1f mm, probability %.3f%n", f.rank(), f.x(), f.y(), f.z(),
					f.slice(), f.diameter(), f.probability());
		}
		out.printf(Locale.ROOT, "report: %s (%.1f s)%n", dir.resolve("report.html"), (System.nanoTime() - start) / 1e9);
		return 0;
	}

	private static String shortUid(String uid) {
		String s = uid.replaceAll("[^A-Za-z0-9.]", "_");
		return s.length() > 24 ? s.substring(s.length() - 24) : s;
	}

	/**
	 * Starts loading the backend that will score (--backend, or the first model's run's) while the scan is read and
	 * searched; a run that cannot be read is reported later, where screening reads it.
	 */
	private void prepareScoring(List<ModelRef> refs) {
		try {
			String id = backend != null ? backend : refs.isEmpty() ? null : org.nodulab.train.RunPredictor.backendOf(refs.get(0).run());
			if (id != null) {
				RunTools.preparing(RunTools.of(services, id).backend());
			}
		} catch (java.io.IOException | RuntimeException e) {
			// screening names the run or the backend when it gets to them
		}
	}
}
