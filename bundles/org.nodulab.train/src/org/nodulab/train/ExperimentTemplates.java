package org.nodulab.train;

import java.util.List;
import java.util.Locale;

import org.nodulab.core.registry.ContributionCatalog;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.core.registry.ContributionRegistry;
import org.nodulab.core.settings.SettingsCodec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A new experiment built around one contribution ("New experiment from this" in the catalogue,
 * {@code nodulab new}): a complete, small experiment with the contribution in its place (an architecture, an
 * augmentation, an HU window or an evaluator) and every setting of that contribution written out with its
 * default, ready to edit.
 */
public final class ExperimentTemplates {

	/** The kinds an experiment names directly. */
	public static final List<String> KINDS = List.of("architectures", "augmentations", "windows", "evaluators");

	private ExperimentTemplates() {
	}

	/**
	 * The experiment's tree.
	 *
	 * @param dataset the dataset folder to train on
	 * @throws ContributionException when the contribution is unknown or of a kind experiments do not name
	 */
	public static ObjectNode from(ContributionCatalog catalog, SettingsCodec codec, String kind, String id, String dataset)
			throws ContributionException {
		if (!KINDS.contains(kind)) {
			throw new ContributionException("an experiment does not name " + kind + " (readers are chosen by file type, combiners by 'nodulab ensemble'); "
					+ "kinds: " + KINDS);
		}
		ContributionRegistry registry = catalog.requireRegistry(kind);
		ContributionDescriptor d = registry.require(id);
		JsonNodeFactory json = JsonNodeFactory.instance;
		ObjectNode root = json.objectNode();
		root.put("name", (id + "-experiment").replaceAll("[^A-Za-z0-9._-]", "-"));
		root.put("description", "New experiment from the " + registry.singular() + " '" + id + "' (" + d.name() + ")");
		root.put("seed", 42);
		ObjectNode ds = root.putObject("dataset");
		ds.put("path", dataset);
		ds.put("candidates", "candidates_V2.csv");
		ObjectNode split = ds.putObject("split");
		split.put("mode", "subsets");
		split.set("train", ints(0, 1, 2, 3, 4, 5, 6, 7));
		split.set("validation", ints(8));
		split.set("test", ints(9));
		ObjectNode pre = root.putObject("preprocessing");
		pre.put("window", kind.equals("windows") ? id : "lung");
		ArrayNode augmentations = root.putArray("augmentations");
		if (kind.equals("augmentations")) {
			augmentations.add(ref(registry, d, codec));
		} else {
			augmentations.addObject().put("id", "translate");
			augmentations.addObject().put("id", "rotate90");
		}
		ArrayNode architectures = root.putArray("architectures");
		if (kind.equals("architectures")) {
			architectures.add(ref(registry, d, codec));
		} else {
			ContributionRegistry archs = catalog.requireRegistry("architectures");
			String first = archs.find("vgg").map(ContributionDescriptor::id)
					.orElseGet(() -> archs.descriptors().isEmpty() ? "vgg" : archs.descriptors().get(0).id());
			architectures.addObject().put("id", first);
		}
		ObjectNode training = root.putObject("training");
		training.put("epochs", 10);
		training.put("batchSize", 32);
		training.put("learningRate", 0.001);
		ObjectNode evaluation = root.putObject("evaluation");
		if (kind.equals("evaluators")) {
			evaluation.putArray("evaluators").add(ref(registry, d, codec));
		}
		evaluation.put("testTimeAugmentation", true);
		root.putObject("output").put("runs", "runs");
		return root;
	}

	private static ObjectNode ref(ContributionRegistry registry, ContributionDescriptor d, SettingsCodec codec) throws ContributionException {
		ObjectNode ref = JsonNodeFactory.instance.objectNode();
		ref.put("id", d.id());
		registry.defaultSettings(d).ifPresent(s -> ref.set("settings", codec.toTree(s)));
		return ref;
	}

	private static ArrayNode ints(int... values) {
		ArrayNode a = JsonNodeFactory.instance.arrayNode();
		for (int v : values) {
			a.add(v);
		}
		return a;
	}

	/** The kind for a registry kind or its singular ("architecture" -> "architectures"). */
	public static String kind(String name) {
		String k = name.toLowerCase(Locale.ROOT);
		return k.endsWith("s") ? k : k + "s";
	}
}
