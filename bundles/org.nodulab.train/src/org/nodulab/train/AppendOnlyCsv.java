package org.nodulab.train;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file that only grows: each record is appended as one write and forced to disk, and a last
 * line cut short by a crash is ignored when reading (and completed by the next append). Nothing in it
 * is ever rewritten.
 */
final class AppendOnlyCsv {

	private final Path file;
	private final List<String> header;

	AppendOnlyCsv(Path file, List<String> header) {
		this.file = file;
		this.header = List.copyOf(header);
	}

	Path file() {
		return file;
	}

	synchronized void append(List<?> values) throws IOException {
		if (values.size() != header.size()) {
			throw new IllegalArgumentException(file + ": expected " + header.size() + " values, got " + values.size());
		}
		StringWriter text = new StringWriter();
		boolean fresh = !Files.exists(file) || Files.size(file) == 0;
		String existing = fresh ? "" : Files.readString(file, StandardCharsets.UTF_8);
		if (!fresh && !existing.endsWith("\n")) {
			text.append('\n'); // a record cut short by a crash stays behind as its own (ignored) line
		}
		try (CSVPrinter printer = new CSVPrinter(text, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get())) {
			if (fresh) {
				printer.printRecord(header);
			}
			printer.printRecord(values);
		}
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.APPEND)) {
			channel.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
			channel.force(true);
		}
	}

	/** Complete records, by column name. */
	synchronized List<Map<String, String>> read() throws IOException {
		if (!Files.exists(file)) {
			return List.of();
		}
		String text = Files.readString(file, StandardCharsets.UTF_8);
		int end = text.lastIndexOf('\n');
		text = end < 0 ? "" : text.substring(0, end + 1);
		List<Map<String, String>> rows = new ArrayList<>();
		try (CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
				.parse(new StringReader(text))) {
			for (CSVRecord r : parser) {
				if (r.size() != header.size()) {
					continue; // the remains of a record cut short
				}
				Map<String, String> row = new LinkedHashMap<>();
				for (String h : header) {
					row.put(h, r.get(h));
				}
				rows.add(row);
			}
		} catch (IllegalArgumentException | IllegalStateException e) {
			throw new IOException(file + ": not a readable CSV file: " + e.getMessage(), e);
		}
		return rows;
	}
}
