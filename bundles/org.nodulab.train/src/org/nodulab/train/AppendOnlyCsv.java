package org.nodulab.train;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.nodulab.core.io.AtomicFiles;
import org.nodulab.luna16.Luna16Csv;

/**
 * A CSV file that only grows: each record is appended as one write and forced to disk, and a last
 * line cut short by a crash is ignored when reading (and completed by the next append). Nothing in it
 * is ever rewritten. Appends from several threads or processes take a lock on the file, so the header is
 * written once and records never interleave. Columns are only ever added at the end: a file written by an
 * earlier version (its header a prefix of this one's) reads with the later columns empty, and appends to
 * it keep its columns.
 */
final class AppendOnlyCsv {

	/** One record with the line it starts on (for messages). */
	record Row(long line, Map<String, String> values) {

		String get(String column) {
			return values.get(column);
		}

		/** A whole number of a column, or an error naming the file, line and column. */
		long whole(Path file, String column) throws IOException {
			String v = values.get(column);
			try {
				return Long.parseLong(v);
			} catch (NumberFormatException e) {
				throw new IOException(file + ":" + line + ": " + column + ": expected a whole number, got '" + v + "'");
			}
		}

		int integer(Path file, String column) throws IOException {
			long v = whole(file, column);
			if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
				throw new IOException(file + ":" + line + ": " + column + ": " + v + " is out of range");
			}
			return (int) v;
		}

		/** A number (empty or NaN: NaN when {@code emptyIsNaN}), or an error naming the file, line and column. */
		double number(Path file, String column, boolean emptyIsNaN) throws IOException {
			String v = values.get(column);
			if (emptyIsNaN && (v == null || v.isEmpty() || v.equals("NaN"))) {
				return Double.NaN; // not measured (a loss that diverged is written as NaN)
			}
			if (v == null || !Luna16Csv.DECIMAL.matcher(v).matches()) {
				throw new IOException(file + ":" + line + ": " + column + ": expected a number, got '" + v + "'");
			}
			double d = Double.parseDouble(v);
			if (!Double.isFinite(d)) {
				throw new IOException(file + ":" + line + ": " + column + ": expected a finite number, got '" + v + "'");
			}
			return d;
		}
	}

	/** One monitor per file in this JVM (a file lock is per process; two channels of one JVM may not both lock). */
	private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

	private final Path file;
	private final List<String> header;

	AppendOnlyCsv(Path file, List<String> header) {
		this.file = file;
		this.header = List.copyOf(header);
	}

	Path file() {
		return file;
	}

	void append(List<?> values) throws IOException {
		if (values.size() != header.size()) {
			throw new IllegalArgumentException(file + ": expected " + header.size() + " values, got " + values.size());
		}
		synchronized (MONITORS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new Object())) {
			try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
					StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
				long size = channel.size();
				List<?> row = values;
				if (size > 0) {
					int columns = columnsOnDisk(channel);
					if (columns < header.size()) {
						row = values.subList(0, columns); // a file of an earlier version keeps its columns
					}
				}
				StringWriter text = new StringWriter();
				if (size > 0) {
					ByteBuffer last = ByteBuffer.allocate(1);
					channel.read(last, size - 1);
					if (last.get(0) != '\n') {
						text.append('\n'); // a record cut short by a crash stays behind as its own (ignored) line
					}
				}
				try (CSVPrinter printer = new CSVPrinter(text, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get())) {
					if (size == 0) {
						printer.printRecord(header);
					}
					printer.printRecord(row);
				}
				ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
				long at = size;
				while (bytes.hasRemaining()) {
					at += channel.write(bytes, at);
				}
				channel.force(true);
			} catch (IOException e) {
				throw AtomicFiles.explain(file, "appending a record to", e);
			}
		}
	}

	/** The number of columns of the header on disk (an earlier version's prefix of this header, or all). */
	private int columnsOnDisk(FileChannel channel) throws IOException {
		ByteBuffer head = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
		channel.read(head, 0);
		String first = new String(head.array(), 0, head.position(), StandardCharsets.UTF_8);
		int nl = first.indexOf('\n');
		if (nl < 0) {
			return header.size();
		}
		List<String> names = List.of(first.substring(0, nl).split(",", -1));
		return names.size() < header.size() && header.subList(0, names.size()).equals(names) ? names.size() : header.size();
	}

	/** Complete records, by column name. */
	List<Map<String, String>> read() throws IOException {
		List<Map<String, String>> out = new ArrayList<>();
		for (Row r : rows()) {
			out.add(r.values());
		}
		return out;
	}

	/** Complete records with their lines; a file that is not this CSV is an error naming the file and the line. */
	List<Row> rows() throws IOException {
		if (!Files.exists(file)) {
			return List.of();
		}
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
		} catch (CharacterCodingException e) {
			throw new IOException(file + ": not UTF-8 text (" + e.getClass().getSimpleName() + ")", e);
		}
		int end = text.lastIndexOf('\n');
		text = end < 0 ? "" : text.substring(0, end + 1);
		List<Row> rows = new ArrayList<>();
		try (CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
				.parse(new StringReader(text))) {
			List<String> names = parser.getHeaderNames();
			boolean earlier = names.size() < header.size() && header.subList(0, names.size()).equals(names);
			if (!text.isEmpty() && !names.equals(header) && !earlier) {
				throw new IOException(file + ":1: expected the columns " + header + ", got " + names);
			}
			int width = text.isEmpty() ? header.size() : names.size();
			Iterator<CSVRecord> records = parser.iterator();
			for (CSVRecord r; (r = Luna16Csv.next(file, parser, records)) != null;) {
				if (r.size() != width) {
					continue; // the remains of a record cut short
				}
				Map<String, String> row = new LinkedHashMap<>();
				for (int i = 0; i < header.size(); i++) {
					row.put(header.get(i), i < width ? r.get(i) : "");
				}
				rows.add(new Row(parser.getCurrentLineNumber(), row));
			}
		} catch (IllegalArgumentException | IllegalStateException e) {
			throw new IOException(file + ": not a readable CSV file: " + Luna16Csv.describe(e), e);
		}
		return rows;
	}
}
