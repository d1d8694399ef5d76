package org.nodulab.core.io;

import java.nio.file.Path;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Jackson's parse errors in words that name the file, the line and the column. Jackson leaves the source out of its
 * messages (they read "Source: REDACTED"); this puts the file in front and keeps the rest.
 */
public final class JsonErrors {

	private static final Pattern REDACTED = Pattern.compile(
			"\\[Source: REDACTED \\(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled\\); line: (\\d+), column: (\\d+)\\]");

	private JsonErrors() {
	}

	/** {@code file:line:column: not valid <what>: <Jackson's message without the redacted source>}. */
	public static String describe(Path file, String what, JsonProcessingException e) {
		JsonLocation l = e.getLocation();
		String where = l == null || l.getLineNr() < 1 ? "" : ":" + l.getLineNr() + ":" + l.getColumnNr();
		String message = REDACTED.matcher(String.valueOf(e.getOriginalMessage())).replaceAll("[line $1, column $2]")
				.replace("Source: REDACTED", file.getFileName().toString());
		return file + where + ": not valid " + what + ": " + message;
	}
}
