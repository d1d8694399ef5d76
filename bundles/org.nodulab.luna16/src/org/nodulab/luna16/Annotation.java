package org.nodulab.luna16;

/**
 * A reference finding: scan, world position (mm) and diameter (mm; negative when unknown, counted as
 * 10 mm by the LUNA16 hit test).
 *
 * @param position the coordinates as written in the source file ("x,y,z"), kept so reports repeat
 *            them exactly; {@code null} for annotations made in code
 */
public record Annotation(String seriesuid, double x, double y, double z, double diameter, String position) {

	public Annotation(String seriesuid, double x, double y, double z, double diameter) {
		this(seriesuid, x, y, z, diameter, null);
	}
}
