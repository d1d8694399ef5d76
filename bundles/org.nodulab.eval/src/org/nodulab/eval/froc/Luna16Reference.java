package org.nodulab.eval.froc;

import org.nodulab.luna16.Luna16Csv;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.nodulab.luna16.Annotation;

/** The reference of a LUNA16 evaluation: the listed scans, the nodules and the excluded findings. */
public record Luna16Reference(List<String> seriesUids, List<Annotation> annotations, List<Annotation> excluded) {

	public Luna16Reference {
		seriesUids = List.copyOf(seriesUids);
		annotations = List.copyOf(annotations);
		excluded = List.copyOf(excluded);
	}

	public static Luna16Reference read(Path annotations, Path excluded, Path seriesUids) throws IOException {
		return new Luna16Reference(Luna16Csv.readSeriesUids(seriesUids), Luna16Csv.readAnnotations(annotations),
				Luna16Csv.readAnnotations(excluded));
	}

	/** The same reference restricted to some of its scans (in their listed order). */
	public Luna16Reference restrictedTo(java.util.Set<String> scans) {
		return new Luna16Reference(seriesUids.stream().filter(scans::contains).toList(), annotations, excluded);
	}
}
