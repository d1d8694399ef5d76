package org.nodulab.fuzz.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.nodulab.luna16.Luna16Csv;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The LUNA16 CSV readers (annotations, excluded findings, series lists, candidates and submissions), each on the
 * same bytes. Seeds: rows of the real LUNA16 files and of a submission ({@code Luna16CsvFuzzTestInputs/}).
 */
class Luna16CsvFuzzTest {

	@FuzzTest(maxDuration = "30s")
	void readsOrRefuses(byte[] input) throws IOException {
		Path dir = Inputs.folder();
		try {
			Path csv = dir.resolve("candidates.csv");
			Files.write(csv, input);
			try {
				Luna16Csv.readPredictions(csv, false);
			} catch (IOException e) {
				Inputs.requireNamed(e, csv);
			}
			try {
				Luna16Csv.streamPredictions(csv, true, (line, uid, x, y, z, p, label) -> {
					if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z) || !(p >= 0 && p <= 1)) {
						throw new AssertionError("line " + line + ": a value the reader should have refused");
					}
				});
			} catch (IOException e) {
				Inputs.requireNamed(e, csv);
			}
			try {
				Luna16Csv.readAnnotations(csv).forEach(a -> {
					if (!Double.isFinite(a.diameter()) || !Double.isFinite(a.x())) {
						throw new AssertionError("an annotation the reader should have refused: " + a);
					}
				});
			} catch (IOException e) {
				Inputs.requireNamed(e, csv);
			}
			try {
				Luna16Csv.readSeriesUids(csv);
			} catch (IOException e) {
				Inputs.requireNamed(e, csv);
			}
		} finally {
			Inputs.delete(dir);
		}
	}
}
