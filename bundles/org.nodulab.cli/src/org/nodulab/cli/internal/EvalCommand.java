package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.nodulab.eval.froc.FrocReport;
import org.nodulab.eval.froc.FrocResult;
import org.nodulab.eval.froc.Luna16Evaluation;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab eval}: the LUNA16 FROC/CPM evaluation, arguments in the official script's order. */
@Command(name = "eval", description = {
		"LUNA16 FROC/CPM evaluation of a results file, identical to the official evaluation script (noduleCADEvaluationLUNA16.py): same rules, same files, same numbers.",
		"Writes CADAnalysis.txt, froc_<name>.txt, froc_gt_prob_vectors_<name>.csv, nodulesWithoutCandidate_<name>.txt, froc_<name>_bootstrapping.csv and froc_<name>.png; existing results are never overwritten." })
public final class EvalCommand implements Callable<Integer>, Checked {

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", paramLabel = "<annotations.csv>")
	Path annotations;

	@Parameters(index = "1", paramLabel = "<annotations_excluded.csv>")
	Path excluded;

	@Parameters(index = "2", paramLabel = "<seriesuids.csv>", description = "The evaluated scans (their number divides the false positives).")
	Path seriesUids;

	@Parameters(index = "3", paramLabel = "<results.csv>", description = "seriesuid,coordX,coordY,coordZ,probability")
	Path results;

	@Parameters(index = "4", paramLabel = "<outdir>")
	Path outDir;

	@Option(names = "--bootstrap", paramLabel = "N", description = "Bootstrap resamples of the scans (default: ${DEFAULT-VALUE}; 0: none).", defaultValue = "1000")
	int bootstrap;

	@Option(names = "--seed", paramLabel = "S", description = "Seed of the resampling; numpy's generator, so the official script seeded with numpy.random.seed(S) draws the same scans (default: ${DEFAULT-VALUE}).", defaultValue = "12345")
	long seed;

	@Option(names = "--bootstrap-indices", paramLabel = "FILE", description = "Replay these resamples instead (one line per resample, 0-based indices into seriesuids.csv).")
	Path bootstrapIndices;

	@Option(names = "--name", description = "Name in file names and on the plot (default: the results file name without extension).")
	String name;

	@Option(names = "--max-marks", paramLabel = "N", description = "Marks kept per scan (default: ${DEFAULT-VALUE}, as LUNA16).", defaultValue = "100")
	int maxMarks;

	@Option(names = "--confidence", description = "Confidence level of the bootstrap bands (default: ${DEFAULT-VALUE}).", defaultValue = "0.95")
	double confidence;

	@Option(names = "--no-plot", description = "Do not write the PNG plot.")
	boolean noPlot;

	@Override
	public java.util.List<String> check() {
		java.util.List<String> problems = new java.util.ArrayList<>();
		for (Path f : java.util.Arrays.asList(annotations, excluded, seriesUids, results, bootstrapIndices)) {
			if (f != null && !java.nio.file.Files.isRegularFile(f)) {
				problems.add(f + ": no such file");
			}
		}
		if (outDir != null && java.nio.file.Files.exists(outDir.resolve("CADAnalysis.txt"))) {
			problems.add(outDir + ": holds an evaluation already (results are never overwritten)");
		}
		if (bootstrap < 0) {
			problems.add("--bootstrap must be 0 (none) or more, got " + bootstrap);
		}
		return problems;
	}

	@Override
	public Integer call() throws Exception {
		String resultName = name != null ? name : stripExtension(results.getFileName().toString());
		Luna16Evaluation.Options options = new Luna16Evaluation.Options(resultName, maxMarks, bootstrap, seed,
				bootstrapIndices, confidence);
		long start = System.nanoTime();
		FrocResult result = Luna16Evaluation.evaluate(annotations, excluded, seriesUids, results, options);
		List<Path> written = FrocReport.write(result, outDir, !noPlot);
		PrintWriter out = spec.commandLine().getOut();
		out.println(result.summary());
		out.printf("  %d files written to %s in %.2f s%n", written.size(), outDir, (System.nanoTime() - start) / 1e9);
		return 0;
	}

	static String stripExtension(String file) {
		int dot = file.lastIndexOf('.');
		return dot > 0 ? file.substring(0, dot) : file;
	}
}
