package org.nodulab.cli.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nodulab.detect.DetectorRegistry;

import picocli.CommandLine.Option;

/** The candidate detector of {@code nodulab detect} and {@code nodulab screen}: which one and its settings. */
final class DetectorOptions {

	@Option(names = "--detector", paramLabel = "ID", defaultValue = DetectorRegistry.DEFAULT, description = "The candidate detector (default: ${DEFAULT-VALUE}; see nodulab list detectors).")
	String id;

	@Option(names = { "-d", "--detector-option" }, paramLabel = "KEY=VALUE", description = "A detector setting, e.g. -d maxCandidates=200 (see nodulab list detectors --verbose).")
	Map<String, String> options = new LinkedHashMap<>();
}
