package org.nodulab.volume;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.nodulab.core.registry.AbstractContributionRegistry;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.core.settings.SettingsProblem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What volume readers and writers share as contributions: the files they handle ({@code extensions}, or
 * {@code folders="true"}) and their settings given as {@code key=value} options.
 */
public final class FileContributions {

	private FileContributions() {
	}

	/** What is wrong with a contribution that declares neither its file extensions nor folders, or null. */
	static String extensionsOrFoldersProblem(Map<String, String> attributes, String verb) {
		String extensions = attributes.get("extensions");
		boolean none = (extensions == null || extensions.isBlank()) && !Boolean.parseBoolean(attributes.get("folders"));
		return none ? "declare the file 'extensions' it " + verb + ", or folders=\"true\"" : null;
	}

	/** Whether a file name (lower case) ends with one of the contribution's declared extensions. */
	static boolean handlesName(ContributionDescriptor d, String lowerCaseName) {
		String extensions = d.attribute("extensions");
		return extensions != null && Arrays.stream(extensions.split(",")).map(e -> e.trim().toLowerCase(Locale.ROOT))
				.anyMatch(e -> !e.isEmpty() && lowerCaseName.endsWith(e));
	}

	static boolean handlesFolders(ContributionDescriptor d) {
		return Boolean.parseBoolean(d.attribute("folders"));
	}

	/** The installed contributions as an error message lists them: {@code id (extensions, folders|files)}. */
	static String installed(List<ContributionDescriptor> descriptors) {
		return String.join(", ", descriptors.stream().map(d -> d.id() + " ("
				+ (d.attribute("extensions") == null ? "" : d.attribute("extensions") + ", ") + (handlesFolders(d) ? "folders" : "files")
				+ ")").toList());
	}

	/**
	 * The settings of a reader, writer or other command-line contribution (a detector) from {@code key=value}
	 * options (YAML scalars), checked against its settings class; {@code null} for one without settings.
	 *
	 * @param what the contribution's kind in messages ("reader", "detector")
	 */
	public static Object settings(AbstractContributionRegistry<?> registry, String what, ContributionDescriptor contribution,
			Map<String, String> options, SettingsCodec codec) throws ContributionException {
		Optional<Object> defaults = registry.defaultSettings(contribution);
		if (defaults.isEmpty()) {
			if (!options.isEmpty()) {
				throw new ContributionException(what + " '" + contribution.id() + "' takes no options, got "
						+ String.join(", ", options.keySet()));
			}
			return null;
		}
		ObjectNode tree = codec.mapper().createObjectNode();
		for (Map.Entry<String, String> option : options.entrySet()) {
			JsonNode value;
			try {
				value = codec.mapper().readTree(option.getValue());
			} catch (java.io.IOException e) {
				value = null;
			}
			tree.set(option.getKey(), value == null || value.isMissingNode() || value.isContainerNode()
					? tree.textNode(option.getValue())
					: value);
		}
		List<SettingsProblem> problems = new ArrayList<>();
		Object settings = codec.convert(tree, defaults.get().getClass(), "", problems);
		if (!problems.isEmpty()) {
			throw new ContributionException(what + " '" + contribution.id() + "': "
					+ String.join("; ", problems.stream().map(p -> p.path() + ": " + p.message()).toList()));
		}
		return settings;
	}
}
