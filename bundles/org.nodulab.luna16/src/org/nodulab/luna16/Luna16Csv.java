package org.nodulab.luna16;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.nodulab.core.io.AtomicFiles;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads and writes the LUNA16 CSV files (annotations, excluded findings, series lists, results in
 * submission format, candidate files) with commons-csv, streaming. Columns are found by header name,
 * as the official script does. Problems raise {@link CsvException} naming file, line and column.
 */
public final class Luna16Csv {

	public static final String SERIESUID = "seriesuid";
	public static final String COORD_X = "coordX";
	public static final String COORD_Y = "coordY";
	public static final String COORD_Z = "coordZ";
	public static final String DIAMETER = "diameter_mm";
	public static final String PROBABILITY = "probability";
	public static final String CLASS = "class";
	/**
	 * Nodulab's optional column in a labelled candidate file: 1 where the candidate hits only a finding of
	 * {@code annotations_excluded.csv} (neither nodule nor false positive for LUNA16; training leaves it
	 * out). Other tools ignore it, as they find columns by name.
	 */
	public static final String EXCLUDED = "excluded";

	/** A decimal number as LUNA16's files and Python write them (no NaN, Infinity, hex or type suffixes). */
	public static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

	private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
			.setIgnoreEmptyLines(true).setTrim(true).get();

	private Luna16Csv() {
	}

	/** A malformed CSV file: the message names the file, the line and what was expected. */
	public static final class CsvException extends IOException {
		private static final long serialVersionUID = 1L;

		public CsvException(Path file, long line, String message) {
			super(file + (line > 0 ? ":" + line : "") + ": " + message);
		}
	}

	/** Receives annotations one at a time, with their line in the file. */
	@FunctionalInterface
	public interface AnnotationSink {
		/** @throws CsvException to stop reading with a message about this row */
		void annotation(long line, Annotation annotation) throws CsvException;
	}

	/** Reads annotations ({@code seriesuid, coordX, coordY, coordZ, diameter_mm}) in file order. */
	public static List<Annotation> readAnnotations(Path file) throws IOException {
		List<Annotation> out = new ArrayList<>();
		streamAnnotations(file, (line, a) -> out.add(a));
		return out;
	}

	/** Streams annotations in file order to {@code sink}. */
	public static void streamAnnotations(Path file, AnnotationSink sink) throws IOException {
		try (CSVParser parser = open(file)) {
			Columns c = new Columns(file, parser, SERIESUID, COORD_X, COORD_Y, COORD_Z, DIAMETER);
			Iterator<CSVRecord> records = parser.iterator();
			for (CSVRecord r; (r = next(file, parser, records)) != null;) {
				String x = c.text(r, COORD_X);
				String y = c.text(r, COORD_Y);
				String z = c.text(r, COORD_Z);
				sink.annotation(parser.getCurrentLineNumber(), new Annotation(c.uid(r), c.number(r, COORD_X),
						c.number(r, COORD_Y), c.number(r, COORD_Z), c.number(r, DIAMETER), x + "," + y + "," + z));
			}
		}
	}

	/** Reads a series list: the first column of every non-empty line, no header (as seriesuids.csv). */
	public static List<String> readSeriesUids(Path file) throws IOException {
		Set<String> uids = new LinkedHashSet<>();
		try (Reader reader = reader(file);
				CSVParser parser = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).setTrim(true).get()
						.parse(reader)) {
			Iterator<CSVRecord> records = parser.iterator();
			for (CSVRecord r; (r = next(file, parser, records)) != null;) {
				String uid = r.get(0);
				if (uid.isEmpty()) {
					throw new CsvException(file, parser.getCurrentLineNumber(), "empty seriesuid");
				}
				if (uid.equalsIgnoreCase(SERIESUID) && r.getRecordNumber() == 1) {
					continue; // tolerate a header line
				}
				if (!uids.add(uid)) {
					throw new CsvException(file, parser.getCurrentLineNumber(), "seriesuid " + uid + " is listed twice");
				}
			}
		}
		return List.copyOf(uids);
	}

	/** Receives the rows of a candidate or results file one at a time. */
	@FunctionalInterface
	public interface RowSink {
		/**
		 * @param line the line number in the file (for messages)
		 * @param probability NaN when the file has no probability column
		 * @param label 0 or 1, or {@link Prediction#UNKNOWN} when the file has no class column
		 * @throws CsvException to stop reading with a message about this row
		 */
		void row(long line, String seriesuid, double x, double y, double z, double probability, int label)
				throws CsvException;
	}

	/** Receives the rows of a candidate file with Nodulab's {@link #EXCLUDED} mark (false where the file has none). */
	@FunctionalInterface
	public interface CandidateSink {
		/** @see RowSink#row */
		void row(long line, String seriesuid, double x, double y, double z, double probability, int label, boolean excluded)
				throws CsvException;
	}

	/**
	 * Streams CAD marks or candidates ({@code seriesuid, coordX, coordY, coordZ} and {@code probability}
	 * and/or {@code class}) to {@code sink}, one row at a time: a file of any length needs no memory
	 * beyond what the sink keeps. A file with {@code probability} must have finite values in [0, 1];
	 * {@code class} must be 0 or 1.
	 *
	 * @param requireProbability whether the file must have a probability column (a results file)
	 */
	public static void streamPredictions(Path file, boolean requireProbability, RowSink sink) throws IOException {
		streamCandidates(file, requireProbability, (line, uid, x, y, z, p, label, excluded) -> sink.row(line, uid, x, y, z, p, label));
	}

	/**
	 * As {@link #streamPredictions}, also reading the optional {@link #EXCLUDED} column (0 or 1; a row
	 * marked 1 must have class 0).
	 */
	public static void streamCandidates(Path file, boolean requireProbability, CandidateSink sink) throws IOException {
		try (CSVParser parser = open(file)) {
			Columns c = new Columns(file, parser, SERIESUID, COORD_X, COORD_Y, COORD_Z);
			boolean hasProbability = c.has(PROBABILITY);
			boolean hasClass = c.has(CLASS);
			boolean hasExcluded = c.has(EXCLUDED);
			if (requireProbability && !hasProbability) {
				throw new CsvException(file, 1, "missing column '" + PROBABILITY + "'; columns: " + c.names());
			}
			if (!hasProbability && !hasClass) {
				throw new CsvException(file, 1,
						"need a '" + PROBABILITY + "' or a '" + CLASS + "' column; columns: " + c.names());
			}
			Iterator<CSVRecord> records = parser.iterator();
			for (CSVRecord r; (r = next(file, parser, records)) != null;) {
				long line = parser.getCurrentLineNumber();
				String uid = c.uid(r);
				double x = c.number(r, COORD_X);
				double y = c.number(r, COORD_Y);
				double z = c.number(r, COORD_Z);
				double p = Double.NaN;
				if (hasProbability) {
					p = c.number(r, PROBABILITY);
					if (!(p >= 0 && p <= 1)) {
						throw new CsvException(file, line, "probability must be between 0 and 1, got " + c.text(r, PROBABILITY)
								+ (p > 1 || p < 0 ? " (scores that are not probabilities, e.g. logits, need a sigmoid first)" : ""));
					}
				}
				int label = Prediction.UNKNOWN;
				if (hasClass) {
					String text = c.text(r, CLASS);
					if (!text.equals("0") && !text.equals("1")) {
						throw new CsvException(file, line, "column '" + CLASS + "' must be 0 or 1, got '" + text + "'");
					}
					label = text.charAt(0) - '0';
				}
				boolean excluded = false;
				if (hasExcluded) {
					String text = c.text(r, EXCLUDED);
					if (!text.equals("0") && !text.equals("1")) {
						throw new CsvException(file, line, "column '" + EXCLUDED + "' must be 0 or 1, got '" + text + "'");
					}
					excluded = text.equals("1");
					if (excluded && label == 1) {
						throw new CsvException(file, line, "a candidate marked '" + EXCLUDED + "' must have class 0 (it hits no nodule)");
					}
				}
				sink.row(line, uid, x, y, z, p, label, excluded);
			}
		}
	}

	/**
	 * Reads CAD marks or candidates into memory (see {@link #streamPredictions}). A file with only
	 * {@code class} (a LUNA16 candidates file) gets probability NaN and its labels. The same seriesuid
	 * and position twice is an error.
	 *
	 * @param requireProbability whether the file must have a probability column (a results file)
	 */
	public static List<Prediction> readPredictions(Path file, boolean requireProbability) throws IOException {
		List<Prediction> out = new ArrayList<>();
		Map<String, Long> seen = new HashMap<>();
		streamPredictions(file, requireProbability, (line, uid, x, y, z, p, label) -> {
			String key = uid + "," + x + "," + y + "," + z;
			Long previous = seen.putIfAbsent(key, line);
			if (previous != null) {
				throw new CsvException(file, line, "duplicate candidate (same seriesuid and position as line " + previous + ")");
			}
			out.add(new Prediction(uid, x, y, z, p, label));
		});
		return out;
	}

	/**
	 * Writes predictions in the LUNA16 submission format, atomically; an existing file is never replaced.
	 */
	public static void writeSubmission(Path file, List<Prediction> predictions) throws IOException {
		AtomicFiles.create(file, out -> {
			BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8));
			w.write("seriesuid,coordX,coordY,coordZ,probability\n");
			for (Prediction p : predictions) {
				w.write(p.seriesuid() + "," + Formats.shortest(p.x()) + "," + Formats.shortest(p.y()) + ","
						+ Formats.shortest(p.z()) + "," + Formats.shortest(p.probability()) + "\n");
			}
			w.flush();
		});
	}

	/** Writes a {@code seriesuids.csv} (one uid per line, no header, as LUNA16's), atomically; never replaces a file. */
	public static void writeSeriesUids(Path file, List<String> uids) throws IOException {
		AtomicFiles.create(file, uids.isEmpty() ? "" : String.join("\n", uids) + "\n");
	}

	private static Reader reader(Path file) throws IOException {
		try {
			return Files.newBufferedReader(file, StandardCharsets.UTF_8);
		} catch (NoSuchFileException e) {
			throw new CsvException(file, 0, "file does not exist");
		}
	}

	private static CSVParser open(Path file) throws IOException {
		Reader reader = reader(file);
		try {
			return FORMAT.parse(reader);
		} catch (IOException | RuntimeException e) {
			reader.close();
			throw new CsvException(file, 1, "cannot read the header: " + describe(e));
		}
	}

	/**
	 * The next record, or null at the end. What commons-csv throws while reading (unbalanced quotes, text that is not
	 * UTF-8, a read error) becomes a {@link CsvException} naming the file and the line it reached.
	 */
	public static CSVRecord next(Path file, CSVParser parser, Iterator<CSVRecord> records) throws CsvException {
		try {
			return records.hasNext() ? records.next() : null;
		} catch (UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
			throw new CsvException(file, parser.getCurrentLineNumber() + 1, describe(e));
		}
	}

	/** What went wrong reading CSV text, in words. */
	public static String describe(Throwable e) {
		for (Throwable t = e; t != null; t = t.getCause()) {
			if (t instanceof java.nio.charset.CharacterCodingException) {
				return "the text is not UTF-8 (" + t.getClass().getSimpleName() + ")";
			}
			String m = t.getMessage();
			if (m != null && m.contains("EOF reached before encapsulated token finished")) {
				return "a quoted field is never closed (unbalanced quotes)";
			}
			if (m != null && m.contains("invalid char between encapsulated token and delimiter")) {
				return "text after a closing quote (unbalanced quotes)";
			}
		}
		Throwable root = e;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
	}

	/** Header lookup and typed field access with errors naming file, line and column. */
	private static final class Columns {
		private final Path file;
		private final CSVParser parser;
		private final Map<String, Integer> index;

		Columns(Path file, CSVParser parser, String... required) throws CsvException {
			this.file = file;
			this.parser = parser;
			this.index = parser.getHeaderMap();
			if (index == null || index.isEmpty()) {
				throw new CsvException(file, 1, "the file is empty; expected a header line with " + String.join(", ", required));
			}
			for (String column : required) {
				if (!index.containsKey(column)) {
					throw new CsvException(file, 1, "missing column '" + column + "'; columns: " + names());
				}
			}
		}

		boolean has(String column) {
			return index.containsKey(column);
		}

		String names() {
			return String.join(", ", index.keySet());
		}

		String text(CSVRecord r, String column) throws CsvException {
			int i = index.get(column);
			if (i >= r.size()) {
				throw new CsvException(file, parser.getCurrentLineNumber(),
						"missing field '" + column + "' (the line has " + r.size() + " fields)");
			}
			return r.get(i);
		}

		String uid(CSVRecord r) throws CsvException {
			String uid = text(r, SERIESUID);
			if (uid.isEmpty()) {
				throw new CsvException(file, parser.getCurrentLineNumber(), "empty seriesuid");
			}
			return uid;
		}

		double number(CSVRecord r, String column) throws CsvException {
			String text = text(r, column);
			double value;
			try {
				value = Double.parseDouble(text);
				if (Double.isFinite(value) && !plainDecimal(text)) {
					throw new NumberFormatException(text); // hex, 'd'/'f' suffixes: not how a CSV writes numbers
				}
			} catch (NumberFormatException e) {
				throw new CsvException(file, parser.getCurrentLineNumber(),
						"column '" + column + "' must be a number, got '" + text + "'");
			}
			if (!Double.isFinite(value)) {
				throw new CsvException(file, parser.getCurrentLineNumber(),
						"column '" + column + "' must be a finite number, got '" + text + "'");
			}
			return value;
		}
	}

	/**
	 * Whether text that {@link Double#parseDouble} accepted as a finite number is written as {@link #DECIMAL} says:
	 * of the forms parseDouble takes, only hexadecimal, a type suffix and surrounding blanks use characters other than
	 * digits, signs, the point and the exponent's e, so checking the characters is the same test as the pattern, at a
	 * fraction of its cost for 300,000 numbers.
	 */
	static boolean plainDecimal(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
				return false;
			}
		}
		return true;
	}

	static String lower(String s) {
		return s.toLowerCase(Locale.ROOT);
	}
}
