package org.nodulab.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.core.settings.YamlTextEdit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** In-place value edits keep comments and layout, and refuse what they cannot do exactly. */
class YamlTextEditTest {

	private final SettingsCodec codec = new SettingsCodec();
	private final JsonNodeFactory json = JsonNodeFactory.instance;

	private static final String TEXT = """
			# an experiment
			name: demo   # the name
			training:
			  learningRate: 0.001     # Adam
			  epochs: 10
			architectures:
			  - id: vgg
			    settings: {filters: [16, 32], dropout: 0.5}
			evaluation: {bootstrap: 1000, testTimeAugmentation: true}
			""";

	private ObjectNode tree() throws Exception {
		return (ObjectNode) codec.parse("t", TEXT).root().deepCopy();
	}

	@Test
	void aBlockValueChangesAndItsCommentStays() throws Exception {
		ObjectNode expected = tree();
		((ObjectNode) expected.get("training")).put("learningRate", 0.003);
		Optional<String> edited = YamlTextEdit.set(codec, TEXT, "training.learningRate", json.numberNode(0.003), expected);
		assertEquals(TEXT.replace("learningRate: 0.001     # Adam", "learningRate: 0.003     # Adam"), edited.orElseThrow());
	}

	@Test
	void flowValuesInsideListItemsChange() throws Exception {
		ObjectNode expected = tree();
		ObjectNode settings = (ObjectNode) expected.get("architectures").get(0).get("settings");
		settings.set("filters", json.arrayNode().add(8).add(16).add(32));
		String edited = YamlTextEdit.set(codec, TEXT, "architectures[0].settings.filters", settings.get("filters"), expected).orElseThrow();
		assertTrue(edited.contains("settings: {filters: [8, 16, 32], dropout: 0.5}"), edited);
		assertTrue(edited.startsWith("# an experiment\nname: demo   # the name\n"), edited);

		ObjectNode expected2 = tree();
		((ObjectNode) expected2.get("evaluation")).put("bootstrap", 200);
		String e2 = YamlTextEdit.set(codec, TEXT, "evaluation.bootstrap", json.numberNode(200), expected2).orElseThrow();
		assertTrue(e2.contains("evaluation: {bootstrap: 200, testTimeAugmentation: true}"), e2);
	}

	@Test
	void aKeyOnItsOwnLineIsRemovedAndTextThatWouldChangeMeaningIsQuoted() throws Exception {
		ObjectNode expected = tree();
		((ObjectNode) expected.get("training")).remove("epochs");
		String edited = YamlTextEdit.set(codec, TEXT, "training.epochs", null, expected).orElseThrow();
		assertEquals(TEXT.replace("  epochs: 10\n", ""), edited);

		ObjectNode named = tree();
		named.put("name", "yes");
		String quoted = YamlTextEdit.set(codec, TEXT, "name", json.textNode("yes"), named).orElseThrow();
		assertTrue(quoted.contains("name: \"yes\"   # the name"), quoted);
	}

	@Test
	void whatCannotBeDoneInPlaceIsRefused() throws Exception {
		ObjectNode expected = tree();
		((ObjectNode) expected.get("training")).put("batchSize", 8); // not in the text yet
		assertEquals(Optional.empty(), YamlTextEdit.set(codec, TEXT, "training.batchSize", json.numberNode(8), expected));
		JsonNode wrong = tree(); // the expected tree does not match the edit
		assertEquals(Optional.empty(), YamlTextEdit.set(codec, TEXT, "training.epochs", json.numberNode(11), wrong));
		assertEquals(Optional.empty(), YamlTextEdit.set(codec, "name: [", "name", json.textNode("x"), tree()), "unparseable text");
	}
}
