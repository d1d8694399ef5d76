package org.nodulab.eval.supplier.luna16;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nodulab.eval.EvaluationInput;
import org.nodulab.eval.EvaluationResult;
import org.nodulab.eval.Evaluator;
import org.nodulab.eval.froc.FrocAnalysis;
import org.nodulab.eval.froc.FrocEntries;

/**
 * Per scan at a threshold: marks, nodules, hits, false positives (LUNA16 matching: marks on excluded
 * findings and double detections are neither) and misses. Writes {@code fp_per_scan_<name>.csv}.
 */
public class FpPerScanEvaluator implements Evaluator<FpPerScanSettings> {

	@Override
	public EvaluationResult evaluate(EvaluationInput input, FpPerScanSettings s) throws IOException {
		FrocAnalysis analysis = FrocAnalysis.analyse(input.seriesuids(), input.annotations(), input.excluded(),
				input.predictions(), s.maxMarksPerScan);
		int scans = analysis.scans();
		int[] nodules = new int[scans];
		int[] hits = new int[scans];
		int[] fps = new int[scans];
		FrocEntries e = analysis.entries();
		for (int i = 0; i < e.size(); i++) {
			int scan = e.scan(i);
			if (e.positive(i)) {
				nodules[scan]++;
				if (!e.excluded(i) && e.probability(i) >= s.threshold) {
					hits[scan]++;
				}
			} else if (e.probability(i) >= s.threshold) {
				fps[scan]++;
			}
		}
		StringBuilder csv = new StringBuilder("seriesuid,nodules,hits,false_positives,misses\n");
		for (int scan = 0; scan < scans; scan++) {
			csv.append(analysis.seriesUids().get(scan)).append(',').append(nodules[scan]).append(',').append(hits[scan])
					.append(',').append(fps[scan]).append(',').append(nodules[scan] - hits[scan]).append('\n');
		}
		int[] sorted = fps.clone();
		Arrays.sort(sorted);
		Map<String, Double> metrics = new LinkedHashMap<>();
		metrics.put("fp.mean", Arrays.stream(fps).average().orElse(0));
		metrics.put("fp.median", scans == 0 ? 0 : scans % 2 == 1 ? sorted[scans / 2]
				: (sorted[scans / 2 - 1] + sorted[scans / 2]) / 2.0);
		metrics.put("fp.max", (double) (scans == 0 ? 0 : sorted[scans - 1]));
		metrics.put("hits", (double) Arrays.stream(hits).sum());
		metrics.put("misses", (double) (Arrays.stream(nodules).sum() - Arrays.stream(hits).sum()));
		List<Path> files = input.write("fp_per_scan_" + input.name() + ".csv", csv).stream().toList();
		return new EvaluationResult("fp-per-scan", metrics, files);
	}
}
