package org.nodulab.eval;

/** A reference finding: scan, world position (mm) and diameter (mm; negative when unknown). */
public record Annotation(String seriesuid, double x, double y, double z, double diameter) {
}
