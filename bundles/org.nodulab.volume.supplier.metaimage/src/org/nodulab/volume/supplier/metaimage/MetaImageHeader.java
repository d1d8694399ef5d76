package org.nodulab.volume.supplier.metaimage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.nodulab.volume.VolumeGeometry;

/**
 * The text header of a MetaImage file: {@code Key = value} lines up to and including
 * {@code ElementDataFile}. Keys are those ITK's MetaIO writes and reads, with their aliases
 * (Offset/Origin/Position, TransformMatrix/Rotation/Orientation, BinaryDataByteOrderMSB/
 * ElementByteOrderMSB, ElementSpacing/ElementSize); unknown keys are kept and ignored, as ITK does.
 */
public final class MetaImageHeader {

	/** Largest header we read before giving up (a .mha with no ElementDataFile line). */
	private static final int MAX_HEADER_BYTES = 1 << 20;
	/** Largest volume we agree to allocate, in voxels and in bytes. */
	static final long MAX_VOXELS = 1L << 31;
	static final long MAX_BYTES = Integer.MAX_VALUE - 8;

	private final Path file;
	private final Map<String, String> values;
	private final Map<String, Integer> lines;
	/** Bytes of the header text, including the ElementDataFile line. */
	private final int textLength;

	private MetaImageHeader(Path file, Map<String, String> values, Map<String, Integer> lines, int textLength) {
		this.file = file;
		this.values = values;
		this.lines = lines;
		this.textLength = textLength;
	}

	/** Reads and parses the header of an .mhd or .mha file. */
	public static MetaImageHeader read(Path file) throws IOException {
		ByteArrayOutputStream text = new ByteArrayOutputStream();
		Map<String, String> values = new LinkedHashMap<>();
		Map<String, Integer> lines = new LinkedHashMap<>();
		try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
			int line = 0;
			while (true) {
				ByteArrayOutputStream current = new ByteArrayOutputStream();
				int b;
				while ((b = in.read()) != -1 && b != '\n') {
					current.write(b);
					if (text.size() + current.size() > MAX_HEADER_BYTES) {
						throw new MetaImageException(file, line + 1, "no ElementDataFile line in the first "
								+ MAX_HEADER_BYTES + " bytes: not a MetaImage header");
					}
				}
				line++;
				text.write(current.toByteArray());
				if (b == '\n') {
					text.write('\n');
				}
				String s = current.toString(StandardCharsets.ISO_8859_1).strip();
				if (!s.isEmpty()) {
					int eq = s.indexOf('=');
					if (eq <= 0) {
						throw new MetaImageException(file, line, "expected 'Key = value', got '" + abbreviate(s) + "'");
					}
					String key = s.substring(0, eq).strip();
					String value = s.substring(eq + 1).strip();
					values.put(key, value);
					lines.put(key, line);
					if (key.equals("ElementDataFile")) {
						return new MetaImageHeader(file, values, lines, text.size());
					}
				}
				if (b == -1) {
					throw new MetaImageException(file, line, "the header ends without an ElementDataFile line");
				}
			}
		} catch (NoSuchFileException e) {
			throw new MetaImageException(file, 0, "file does not exist");
		}
	}

	private static String abbreviate(String s) {
		return s.length() > 60 ? s.substring(0, 60) + "..." : s;
	}

	public Path file() {
		return file;
	}

	/** Every key as written, in order. */
	public Map<String, String> values() {
		return java.util.Collections.unmodifiableMap(values);
	}

	int textLength() {
		return textLength;
	}

	String first(String... keys) {
		for (String k : keys) {
			if (values.containsKey(k)) {
				return k;
			}
		}
		return null;
	}

	MetaImageException error(String key, String message) {
		return new MetaImageException(file, key == null ? 0 : lines.getOrDefault(key, 0),
				(key == null ? "" : key + ": ") + message);
	}

	int dimensions() throws MetaImageException {
		if (!values.containsKey("NDims")) {
			throw error(null, "missing NDims");
		}
		int n = integer("NDims");
		if (n != 3) {
			throw error("NDims", "expected 3 (a volume), got " + n);
		}
		return n;
	}

	int[] dimSize() throws MetaImageException {
		long[] d = longs("DimSize", 3);
		for (long v : d) {
			if (v < 1 || v > 1 << 16) {
				throw error("DimSize", "each size must be between 1 and 65536, got " + java.util.Arrays.toString(d));
			}
		}
		if (d[0] * d[1] * d[2] > MAX_VOXELS) {
			throw error("DimSize", d[0] + "x" + d[1] + "x" + d[2] + " is " + d[0] * d[1] * d[2]
					+ " voxels, more than the " + MAX_VOXELS + " a volume may have");
		}
		return new int[] { (int) d[0], (int) d[1], (int) d[2] };
	}

	ElementType elementType() throws MetaImageException {
		String name = values.get("ElementType");
		if (name == null) {
			throw error(null, "missing ElementType");
		}
		ElementType t = ElementType.named(name);
		if (t == null) {
			throw error("ElementType", "unknown element type '" + name + "'; expected one of MET_UCHAR, MET_CHAR, "
					+ "MET_SHORT, MET_USHORT, MET_INT, MET_UINT, MET_LONG, MET_ULONG, MET_FLOAT, MET_DOUBLE");
		}
		String channels = values.get("ElementNumberOfChannels");
		if (channels != null && !channels.equals("1")) {
			throw error("ElementNumberOfChannels", "only single-channel images are read, got " + channels);
		}
		return t;
	}

	VolumeGeometry geometry() throws MetaImageException {
		int[] size = dimSize();
		String spacingKey = first("ElementSpacing", "ElementSize");
		double[] spacing = spacingKey == null ? new double[] { 1, 1, 1 } : doubles(spacingKey, 3);
		for (double s : spacing) {
			if (!(s > 0) || !Double.isFinite(s)) {
				throw error(spacingKey, "spacing must be positive, got " + java.util.Arrays.toString(spacing));
			}
		}
		String originKey = first("Offset", "Origin", "Position");
		double[] origin = originKey == null ? new double[3] : doubles(originKey, 3);
		String matrixKey = first("TransformMatrix", "Rotation", "Orientation");
		double[] direction = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
		if (matrixKey != null) {
			double[] m = doubles(matrixKey, 9);
			// MetaIO lists the direction of each index axis in turn: direction column c = m[3c..3c+2]
			for (int r = 0; r < 3; r++) {
				for (int c = 0; c < 3; c++) {
					direction[r * 3 + c] = m[c * 3 + r];
				}
			}
		}
		try {
			return new VolumeGeometry(size, spacing, origin, direction);
		} catch (IllegalArgumentException e) {
			throw error(matrixKey, e.getMessage());
		}
	}

	boolean msb() throws MetaImageException {
		String key = first("BinaryDataByteOrderMSB", "ElementByteOrderMSB");
		return key != null && bool(key);
	}

	boolean compressed() throws MetaImageException {
		return values.containsKey("CompressedData") && bool("CompressedData");
	}

	long compressedSize() throws MetaImageException {
		return values.containsKey("CompressedDataSize") ? longs("CompressedDataSize", 1)[0] : -1;
	}

	long headerSize() throws MetaImageException {
		return values.containsKey("HeaderSize") ? longs("HeaderSize", 1)[0] : 0;
	}

	String dataFile() {
		return values.get("ElementDataFile");
	}

	int integer(String key) throws MetaImageException {
		long v = longs(key, 1)[0];
		if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
			throw error(key, "expected a small whole number, got '" + values.get(key) + "'");
		}
		return (int) v;
	}

	boolean bool(String key) throws MetaImageException {
		String v = values.get(key).toLowerCase(Locale.ROOT);
		return switch (v) {
		case "true", "1" -> true;
		case "false", "0" -> false;
		default -> throw error(key, "expected True or False, got '" + values.get(key) + "'");
		};
	}

	long[] longs(String key, int count) throws MetaImageException {
		String[] parts = split(key, count);
		long[] out = new long[count];
		for (int i = 0; i < count; i++) {
			try {
				out[i] = Long.parseLong(parts[i]);
			} catch (NumberFormatException e) {
				throw error(key, "expected " + count + " whole number(s), got '" + values.get(key) + "'");
			}
		}
		return out;
	}

	double[] doubles(String key, int count) throws MetaImageException {
		String[] parts = split(key, count);
		double[] out = new double[count];
		for (int i = 0; i < count; i++) {
			try {
				out[i] = Double.parseDouble(parts[i]);
			} catch (NumberFormatException e) {
				throw error(key, "expected " + count + " number(s), got '" + values.get(key) + "'");
			}
			if (!Double.isFinite(out[i])) {
				throw error(key, "expected finite numbers, got '" + values.get(key) + "'");
			}
		}
		return out;
	}

	private String[] split(String key, int count) throws MetaImageException {
		String v = values.get(key);
		String[] parts = v == null ? new String[0] : v.trim().split("\\s+");
		if (v == null || parts.length != count) {
			throw error(key, "expected " + count + " value(s), got '" + (v == null ? "" : v) + "'");
		}
		return parts;
	}
}
