package org.nodulab.detect.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.detect.Detection;
import org.nodulab.detect.DetectionCsv;
import org.nodulab.luna16.Luna16Csv;
import org.nodulab.luna16.Prediction;

class DetectionCsvTest {

	@Test
	void detectionsAreWrittenAsAResultsFileThatTheLuna16ReadersRead(@TempDir Path dir) throws Exception {
		Map<String, List<Detection>> byScan = new LinkedHashMap<>();
		byScan.put("1.2.3", List.of(new Detection(-27.004, 5.126, -262.0, 8.06, 120.5, 120.5 / 170.5),
				new Detection(10, -3.333333, -250.5, 3.0, 9.0, 9.0 / 59)));
		byScan.put("1.2.4", List.of(new Detection(0.005, 0, 0, 32.2, 1, 1.0 / 51)));
		Path file = dir.resolve("candidates.csv");
		DetectionCsv.write(file, byScan);
		List<String> lines = Files.readAllLines(file);
		assertEquals("seriesuid,coordX,coordY,coordZ,probability,diameter_mm", lines.get(0));
		assertEquals("1.2.3,-27,5.13,-262,0.706745,8.1", lines.get(1));
		assertEquals("1.2.3,10,-3.33,-250.5,0.152542,3", lines.get(2));
		List<Prediction> read = Luna16Csv.readPredictions(file, true);
		assertEquals(3, read.size());
		assertEquals("1.2.4", read.get(2).seriesuid());
		assertEquals(0.706745, read.get(0).probability(), 0);
		List<String> candidates = new ArrayList<>();
		Luna16Csv.streamCandidates(file, true, (line, uid, x, y, z, p, label, excluded) -> candidates.add(uid + " " + x));
		assertEquals(List.of("1.2.3 -27.0", "1.2.3 10.0", "1.2.4 0.01"), candidates);
		assertThrows(FileAlreadyExistsException.class, () -> DetectionCsv.write(file, Map.of()));
		assertEquals(lines, Files.readAllLines(file), "an existing file is left as it was");
	}
}
