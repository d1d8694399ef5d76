package org.nodulab.luna16;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Number formatting exactly as Python's {@code "%.9f"} and {@code str(float)} write it. */
public final class Formats {

	private Formats() {
	}

	/** Python {@code "%.Nf" % value}: correctly rounded (half even) from the exact binary value; nan, inf. */
	public static String fixed(double value, int digits) {
		if (Double.isNaN(value)) {
			return "nan";
		}
		if (Double.isInfinite(value)) {
			return value > 0 ? "inf" : "-inf";
		}
		String s = new BigDecimal(value).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
		if (value < 0 || (value == 0 && 1 / value < 0)) {
			return s.startsWith("-") ? s : "-" + s;
		}
		return s;
	}

	/** {@code "%.9f"}. */
	public static String f9(double value) {
		return fixed(value, 9);
	}

	/** The shortest text that reads back as the same double ("100" for a whole number). */
	public static String shortest(double value) {
		if (value == Math.rint(value) && Math.abs(value) < 1e15) {
			return Long.toString((long) value);
		}
		return Double.toString(value);
	}
}
