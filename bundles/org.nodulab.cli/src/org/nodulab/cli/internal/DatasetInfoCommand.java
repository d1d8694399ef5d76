package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.dataset.ScanVolumes;
import org.nodulab.luna16.Annotation;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.VolumeReaderRegistry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab dataset info}: what a LUNA16-layout dataset holds, checked. */
@Command(name = "info", description = "Scans per subset, annotations, excluded findings and candidate files of a dataset in the LUNA16 layout, with every file read and checked (unknown seriesuids, malformed rows). --check also reads every scan's header and counts candidates and nodules outside their volume.")
public final class DatasetInfoCommand implements Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Parameters(paramLabel = "<dataset>")
	Path root;

	@Option(names = "--candidates", paramLabel = "FILE", description = "Candidate files to read (default: every candidates*.csv in the dataset folder).")
	List<String> candidates = new ArrayList<>();

	@Option(names = "--check", description = "Read every scan's header: geometry, candidates and nodules outside their volume.")
	boolean check;

	public DatasetInfoCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		PrintWriter out = spec.commandLine().getOut();
		Luna16Dataset dataset = Luna16Dataset.open(root);
		out.println(dataset);
		for (int subset : dataset.subsets()) {
			out.printf(Locale.ROOT, "  subset%-2d %4d scans%n", subset, dataset.scansOf(List.of(subset)).size());
		}
		if (!dataset.missingScans().isEmpty()) {
			out.printf(Locale.ROOT, "  %d scans of %s are not on disk (e.g. %s)%n", dataset.missingScans().size(),
					Luna16Dataset.SERIESUIDS, dataset.missingScans().get(0));
		}
		long onDisk = dataset.annotations().stream().filter(a -> dataset.scan(a.seriesuid()).isPresent()).count();
		out.printf(Locale.ROOT, "  annotations.csv: %d nodules (%d on scans on disk), diameters %s%n", dataset.annotations().size(),
				onDisk, diameters(dataset.annotations()));
		out.printf(Locale.ROOT, "  annotations_excluded.csv: %d findings (%d without a diameter)%n", dataset.excluded().size(),
				dataset.excluded().stream().filter(a -> a.diameter() < 0).count());
		dataset.scans().stream().filter(s -> dataset.lungMask(s.uid()).isPresent()).findAny()
				.ifPresent(s -> out.println("  lung masks in " + Luna16Dataset.LUNG_MASKS + "/"));
		List<String> files = new ArrayList<>(candidates);
		if (files.isEmpty()) {
			try (Stream<Path> list = Files.list(root)) {
				list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("candidates") && n.endsWith(".csv"))
						.sorted().forEach(files::add);
			}
		}
		ScanVolumes volumes = new ScanVolumes(dataset, services.get(VolumeReaderRegistry.class));
		for (String file : files) {
			long start = System.nanoTime();
			CandidateTable table = dataset.candidates(file);
			out.printf(Locale.ROOT, "  %s: %d candidates on %d scans (%.1f per scan)%s%s, read in %.2f s%n", file,
					table.size(), table.scans().size(), table.size() / (double) Math.max(1, table.scans().size()),
					table.hasLabels() ? ", " + table.positives() + " labelled 1" : "",
					table.hasProbabilities() ? ", with probabilities" : "", (System.nanoTime() - start) / 1e9);
			if (check) {
				out.printf(Locale.ROOT, "    %d candidates lie outside their scan's volume (their patches are padded)%n",
						volumes.outside(table));
			}
		}
		if (check) {
			int outside = 0;
			double[] spacingMin = { Double.MAX_VALUE, Double.MAX_VALUE };
			double[] spacingMax = { 0, 0 };
			for (Luna16Dataset.Scan scan : dataset.scans()) {
				VolumeGeometry g = volumes.geometry(scan.uid());
				spacingMin[0] = Math.min(spacingMin[0], g.spacing()[0]);
				spacingMax[0] = Math.max(spacingMax[0], g.spacing()[0]);
				spacingMin[1] = Math.min(spacingMin[1], g.spacing()[2]);
				spacingMax[1] = Math.max(spacingMax[1], g.spacing()[2]);
				for (Annotation a : dataset.annotationsOf(scan.uid())) {
					if (!g.contains(g.worldToVoxel(new double[] { a.x(), a.y(), a.z() }))) {
						outside++;
						out.println("    nodule outside its volume: " + a);
					}
				}
			}
			out.printf(Locale.ROOT, "  scans: in-plane spacing %.3f-%.3f mm, slice spacing %.3f-%.3f mm; %d nodules outside their volume%n",
					spacingMin[0], spacingMax[0], spacingMin[1], spacingMax[1], outside);
		}
		return 0;
	}

	private static String diameters(List<Annotation> list) {
		double[] d = list.stream().mapToDouble(Annotation::diameter).filter(v -> v > 0).sorted().toArray();
		if (d.length == 0) {
			return "-";
		}
		return String.format(Locale.ROOT, "%.2f-%.2f mm, median %.2f", d[0], d[d.length - 1], d[d.length / 2]);
	}
}
