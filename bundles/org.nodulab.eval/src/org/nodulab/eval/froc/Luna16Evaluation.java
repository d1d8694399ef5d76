package org.nodulab.eval.froc;

import org.nodulab.luna16.Luna16Csv;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.nodulab.luna16.Annotation;
import org.nodulab.luna16.Prediction;

/**
 * The LUNA16 evaluation as a library call, on files (as {@code noduleCADEvaluationLUNA16.py} takes
 * them) or on predictions in memory (as training calls it after every epoch).
 */
public final class Luna16Evaluation {

	/**
	 * @param name name in file names and on the plot
	 * @param maxMarksPerScan 100 in LUNA16
	 * @param bootstrap number of resamples, 0 for none
	 * @param seed seed of the resampling (numpy's generator: the official script's resamples for the same seed)
	 * @param bootstrapIndices a file of resampling indices to replay instead, or null
	 * @param confidence confidence level of the bands (0.95)
	 */
	public record Options(String name, int maxMarksPerScan, int bootstrap, long seed, Path bootstrapIndices,
			double confidence) {

		public Options {
			if (name == null || name.isBlank() || name.contains("/")) {
				throw new IllegalArgumentException("name must be a file name part, got '" + name + "'");
			}
			if (bootstrap < 0) {
				throw new IllegalArgumentException("bootstrap must be 0 or more, got " + bootstrap);
			}
			if (!(confidence > 0 && confidence < 1)) {
				throw new IllegalArgumentException("confidence must be between 0 and 1, got " + confidence);
			}
		}

		/** LUNA16 defaults: 100 marks per scan, no bootstrap. */
		public static Options of(String name) {
			return new Options(name, 100, 0, 0, null, 0.95);
		}

		public Options withBootstrap(int count, long newSeed) {
			return new Options(name, maxMarksPerScan, count, newSeed, null, confidence);
		}

		public Options withBootstrapIndices(Path indices) {
			return new Options(name, maxMarksPerScan, bootstrap, seed, indices, confidence);
		}
	}

	private Luna16Evaluation() {
	}

	/** Evaluates files: {@code annotations.csv, annotations_excluded.csv, seriesuids.csv, results.csv}. */
	public static FrocResult evaluate(Path annotations, Path excluded, Path seriesUids, Path results, Options options)
			throws IOException {
		return evaluate(Luna16Csv.readSeriesUids(seriesUids), Luna16Csv.readAnnotations(annotations),
				Luna16Csv.readAnnotations(excluded), Luna16Csv.readPredictions(results, true), options);
	}

	/** Evaluates predictions in memory. */
	public static FrocResult evaluate(List<String> seriesUids, List<Annotation> annotations, List<Annotation> excluded,
			List<Prediction> marks, Options options) throws IOException {
		if (seriesUids.isEmpty()) {
			throw new IllegalArgumentException("the series list is empty: there is nothing to evaluate");
		}
		FrocAnalysis analysis = FrocAnalysis.analyse(seriesUids, annotations, excluded, marks, options.maxMarksPerScan());
		FrocCurve curve = FrocCurve.of(analysis.entries(), analysis.scans());
		FrocBootstrap bootstrap = null;
		double[] cpms = null;
		List<int[]> resamples = null;
		if (options.bootstrapIndices() != null) {
			resamples = FrocBootstrap.readResamples(options.bootstrapIndices(), analysis.scans());
		} else if (options.bootstrap() > 0) {
			resamples = FrocBootstrap.resamples(options.seed(), options.bootstrap(), analysis.scans());
		}
		if (resamples != null) {
			bootstrap = FrocBootstrap.run(analysis.entries(), analysis.scans(), resamples, options.confidence());
			cpms = cpmPerResample(analysis, resamples);
		}
		return new FrocResult(options.name(), analysis, curve, bootstrap, cpms, options.confidence());
	}

	private static double[] cpmPerResample(FrocAnalysis analysis, List<int[]> resamples) {
		FrocCurve.Sorted sorted = new FrocCurve.Sorted(analysis.entries());
		double[] cpm = new double[resamples.size()];
		int[] weight = new int[Math.max(analysis.scans(), sorted.scanAll.length)];
		for (int b = 0; b < cpm.length; b++) {
			java.util.Arrays.fill(weight, 0);
			for (int i : resamples.get(b)) {
				weight[i]++;
			}
			cpm[b] = sorted.curve(weight, analysis.scans()).cpm();
		}
		return cpm;
	}
}
