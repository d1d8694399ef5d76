package org.nodulab.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.core.settings.SettingsException;
import org.nodulab.core.settings.SettingsProblem;

class SettingsCodecTest {

	private final SettingsCodec codec = new SettingsCodec();

	@TempDir
	Path dir;

	private Path write(String yaml) throws Exception {
		Path file = dir.resolve("settings.yaml");
		Files.writeString(file, yaml);
		return file;
	}

	private List<String> problems(String yaml) throws Exception {
		Path file = write(yaml);
		SettingsException e = assertThrows(SettingsException.class, () -> codec.read(file, SampleSettings.class));
		assertEquals(file.toString(), e.source());
		return e.problems().stream().map(p -> p.line() + " " + p.path() + ": " + p.message()).toList();
	}

	@Test
	void validFileKeepsDefaultsForKeysLeftOut() throws Exception {
		SampleSettings s = codec.read(write("name: a\nrate: 1e-3\nmode: THOROUGH\n"), SampleSettings.class);
		assertEquals("a", s.name);
		assertEquals(0.001, s.rate, 0);
		assertEquals(SampleSettings.Mode.THOROUGH, s.mode);
		assertEquals(3, s.count);
		assertEquals(List.of(1, 2, 3), s.size);
		assertEquals(0.5, s.nested.weight, 0);
	}

	@Test
	void everyProblemIsReportedOnceWithLineAndPath() throws Exception {
		List<String> problems = problems("""
				name: a
				count: many
				rate: 0
				mode: turbo
				size: [1, x, 3, 4]
				nested:
				  weight: 2
				  enabeld: true
				layers:
				  - weight: -1
				  - {enabled: yes please}
				""");
		assertEquals(List.of(
				"2 count: expected a whole number, got 'many'",
				"3 rate: must be between 0 (excluded) and 1, got 0",
				"4 mode: expected one of fast, thorough, got 'turbo'",
				"5 size[1]: expected a whole number, got 'x'",
				"7 nested.weight: must be between 0 and 1, got 2",
				"8 nested.enabeld: unknown key 'enabeld'; allowed keys: enabled, weight",
				"10 layers[0].weight: must be between 0 and 1, got -1",
				"11 layers[1].enabled: expected true or false, got 'yes please'"), problems);
	}

	@Test
	void anEmptyListEntryIsRefusedWithItsLine() throws Exception {
		// found by fuzzing the experiment loader: "- " followed by a comment made a null branch that crashed the network build
		assertEquals(List.of("4 layers[1]: empty list entry: expected a value"),
				problems("name: a\nlayers:\n  - weight: 0.5\n  -   # a comment, no value\n"));
		assertEquals(List.of("2 size[1]: empty list entry: expected a value"), problems("name: a\nsize: [1, ~, 3]\n"));
	}

	@Test
	void sizeAndCrossFieldRules() throws Exception {
		// a rule about the whole object is placed on the document's first line when its key is absent
		assertEquals(List.of("1 mode: fast needs count <= 5, count is 7", "3 size: must have exactly 3 entries, has 2"),
				problems("name: a\ncount: 7\nsize: [1, 2]\n"));
	}

	@Test
	void requiredKeysAndWrongShapes() throws Exception {
		assertEquals(List.of("1 name: missing required key"), problems("count: 2\n"));
		assertEquals(List.of("2 size: expected a list, got 3"), problems("name: a\nsize: 3\n"));
		assertEquals(List.of("1 : expected a mapping of keys to values, got a list"), problems("- a\n- b\n"));
	}

	@Test
	void yamlSyntaxErrorsNameTheLine() throws Exception {
		List<String> problems = problems("name: a\ncount: [1, 2\nrate: 0.3\n");
		assertEquals(1, problems.size());
		assertTrue(problems.get(0).startsWith("3 : not valid YAML"), problems.toString());
	}

	@Test
	void aMissingFileIsNamed() {
		Path missing = dir.resolve("nope.yaml");
		SettingsException e = assertThrows(SettingsException.class, () -> codec.read(missing, SampleSettings.class));
		assertEquals(missing + ": file does not exist", e.getMessage());
	}

	@Test
	void messageHasFileLineAndPath() throws Exception {
		Path file = write("name: a\nmode: thorough\ncount: 11\n");
		SettingsException e = assertThrows(SettingsException.class, () -> codec.read(file, SampleSettings.class));
		assertEquals(file + ":3: count: must be between 1 and 10, got 11", e.getMessage());
		SettingsProblem p = e.problems().get(0);
		assertEquals(new SettingsProblem("count", 3, "must be between 1 and 10, got 11"), p);
	}

	@Test
	void writtenYamlReadsBackToTheSameSettings() throws Exception {
		SampleSettings s = new SampleSettings();
		s.name = "round trip";
		s.count = 4;
		s.rate = 0.125;
		s.mode = SampleSettings.Mode.THOROUGH;
		s.size = List.of(5, 6, 7);
		s.nested.weight = 0.25;
		SampleSettings.Nested layer = new SampleSettings.Nested();
		layer.enabled = false;
		s.layers = List.of(layer);
		String yaml = codec.toYaml(s);
		assertTrue(yaml.contains("mode: thorough"), yaml);
		SampleSettings back = codec.read(write(yaml), SampleSettings.class);
		assertEquals(codec.toYaml(s), codec.toYaml(back));
		assertEquals(List.of(5, 6, 7), back.size);
		assertEquals(false, back.layers.get(0).enabled);
	}
}
