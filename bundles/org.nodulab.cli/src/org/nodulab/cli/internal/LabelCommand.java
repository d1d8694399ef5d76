package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.nodulab.dataset.CandidateLabels;
import org.nodulab.dataset.Luna16Dataset;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab dataset label}: label a detector's output by the LUNA16 hit rule. */
@Command(name = "label", description = "Label a detector's candidates by the LUNA16 hit rule: class 1 inside an annotated nodule's radius, 'excluded' 1 on a finding of annotations_excluded.csv (training leaves those out), else 0. Writes the file with its columns plus 'class' and 'excluded', and prints the candidates' sensitivity and false positives per scan.")
public final class LabelCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Parameters(paramLabel = "<dataset>", description = "Dataset folder in the LUNA16 layout.")
	Path root;

	@Option(names = "--candidates", required = true, paramLabel = "FILE", description = "The detector's candidate file, relative to the dataset folder or absolute (any existing 'class' column is replaced).")
	String candidates;

	@Option(names = "--out", required = true, paramLabel = "FILE", description = "The labelled file to write (never overwritten).")
	Path output;

	@Override
	public Integer call() throws Exception {
		long start = System.nanoTime();
		Luna16Dataset dataset = Luna16Dataset.open(root);
		CandidateLabels.Result result = CandidateLabels.label(dataset, dataset.candidates(candidates));
		result.table().write(output, java.util.stream.IntStream.range(0, result.table().size()).toArray());
		PrintWriter out = spec.commandLine().getOut();
		out.println(result);
		out.printf(Locale.ROOT, "  sensitivity %.3f at %.2f false positives per scan%n", result.sensitivity(),
				result.falsePositivesPerScan());
		out.printf(Locale.ROOT, "  written to %s in %.1f s%n", output, (System.nanoTime() - start) / 1e9);
		return 0;
	}
}
