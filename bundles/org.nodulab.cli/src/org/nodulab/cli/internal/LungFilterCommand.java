package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.nodulab.dataset.CandidateTable;
import org.nodulab.dataset.LungFilter;
import org.nodulab.dataset.Luna16Dataset;
import org.nodulab.dataset.ScanVolumes;
import org.nodulab.preprocess.LungSegmentation;
import org.nodulab.volume.VolumeReaderRegistry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab dataset lung-filter}: drop candidates outside the dilated lung mask. */
@Command(name = "lung-filter", description = "Segment each scan's lungs (air threshold, outside-body air removed, two largest components, closing and hole filling), dilate the mask, keep the candidates inside it and write them to a new file; report how many were dropped and which annotated nodules the mask misses (they would be lost).")
public final class LungFilterCommand implements Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Parameters(paramLabel = "<dataset>")
	Path root;

	@Option(names = "--candidates", required = true, paramLabel = "FILE", description = "Candidate file of the dataset, e.g. candidates_V2.csv.")
	String candidates;

	@Option(names = "--out", required = true, paramLabel = "FILE", description = "The filtered candidate file to write (never overwritten).")
	Path output;

	@Option(names = "--dilation", paramLabel = "MM", description = "Growth of the lung mask before filtering (default: ${DEFAULT-VALUE} mm).", defaultValue = "5")
	double dilation;

	@Option(names = "--dataset-masks", description = "Use the dataset's own masks (seg-lungs-LUNA16/) where it has them instead of segmenting.")
	boolean datasetMasks;

	public LungFilterCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		Luna16Dataset dataset = Luna16Dataset.open(root);
		CandidateTable table = dataset.candidates(candidates);
		ScanVolumes volumes = new ScanVolumes(dataset, services.get(VolumeReaderRegistry.class));
		long start = System.nanoTime();
		LungFilter.Result result = LungFilter.apply(volumes, table, dilation, datasetMasks,
				LungSegmentation.Settings.defaults());
		table.write(output, result.keptRows());
		PrintWriter out = spec.commandLine().getOut();
		out.println(result);
		result.nodulesLost().forEach(a -> out.printf(Locale.ROOT, "  lost: %s at (%.2f, %.2f, %.2f), %.2f mm%n",
				a.seriesuid(), a.x(), a.y(), a.z(), a.diameter()));
		out.printf(Locale.ROOT, "  written to %s in %.1f s%n", output, (System.nanoTime() - start) / 1e9);
		return 0;
	}
}
