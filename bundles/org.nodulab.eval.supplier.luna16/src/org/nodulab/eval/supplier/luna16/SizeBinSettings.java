package org.nodulab.eval.supplier.luna16;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.SelfValidating;
import org.nodulab.core.settings.Size;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class SizeBinSettings implements SelfValidating {

	@Size(min = 2, max = 20)
	@Range(min = 0, max = 1000)
	@JsonPropertyDescription("Bin edges in mm (increasing); a nodule of diameter d falls in [edge_i, edge_i+1)")
	public List<Double> edges = new ArrayList<>(List.of(0.0, 5.0, 10.0, 30.0));

	@Range(min = 0, max = 100000)
	@JsonPropertyDescription("Marks kept per scan (100 in LUNA16); 0: all")
	public int maxMarksPerScan = 100;

	@Override
	public void validate(ProblemSink problems) {
		for (int i = 1; edges != null && i < edges.size(); i++) {
			if (!(edges.get(i) > edges.get(i - 1))) {
				problems.add("edges[" + i + "]", "edges must increase, " + edges.get(i) + " follows " + edges.get(i - 1));
			}
		}
	}
}
