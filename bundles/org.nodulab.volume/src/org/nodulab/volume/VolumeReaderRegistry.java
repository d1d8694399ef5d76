package org.nodulab.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.eclipse.core.runtime.IExtensionRegistry;
import org.nodulab.core.registry.AbstractContributionRegistry;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.core.registry.ContributionRegistry;
import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.core.settings.SettingsProblem;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The volume readers contributed to {@code org.nodulab.volume.readers}. */
@Component(service = { VolumeReaderRegistry.class, ContributionRegistry.class })
@SuppressWarnings("rawtypes")
public class VolumeReaderRegistry extends AbstractContributionRegistry<VolumeReader> {

	public static final String EXTENSION_POINT = "org.nodulab.volume.readers";

	private final SettingsCodec codec = new SettingsCodec();

	@Activate
	public VolumeReaderRegistry(@Reference IExtensionRegistry registry) {
		super("readers", "Volume readers", EXTENSION_POINT, "reader", VolumeReader.class, registry);
	}

	@Deactivate
	void deactivate() {
		dispose();
	}

	@Override
	protected void validate(Map<String, String> attributes) throws InvalidContributionException {
		String extensions = attributes.get("extensions");
		boolean folders = Boolean.parseBoolean(attributes.get("folders"));
		if ((extensions == null || extensions.isBlank()) && !folders) {
			throw new InvalidContributionException("declare the file 'extensions' it reads, or folders=\"true\"");
		}
	}

	/** The reader whose declared extensions match the file, or the first folder reader for a folder. */
	public Optional<ContributionDescriptor> readerFor(Path path) {
		boolean folder = Files.isDirectory(path);
		String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
		return descriptors().stream().filter(d -> folder ? Boolean.parseBoolean(d.attribute("folders"))
				: d.attribute("extensions") != null && Arrays.stream(d.attribute("extensions").split(","))
						.map(e -> e.trim().toLowerCase(Locale.ROOT)).anyMatch(e -> !e.isEmpty() && name.endsWith(e)))
				.findFirst();
	}

	/**
	 * The reader that handles a path.
	 *
	 * @throws ContributionException when no installed reader handles the path
	 */
	public ContributionDescriptor requireDescriptorFor(Path path) throws ContributionException {
		return readerFor(path).orElseThrow(() -> new ContributionException("no installed volume reader handles "
				+ path + (Files.exists(path) ? "" : " (it does not exist)") + "; installed: "
				+ String.join(", ", descriptors().stream().map(d -> d.id() + " ("
						+ (d.attribute("extensions") == null ? "" : d.attribute("extensions") + ", ")
						+ (Boolean.parseBoolean(d.attribute("folders")) ? "folders" : "files") + ")").toList())));
	}

	/**
	 * The reader implementation for a path.
	 *
	 * @throws ContributionException when no installed reader handles the path
	 */
	public VolumeReader requireReaderFor(Path path) throws ContributionException {
		return createInstance(requireDescriptorFor(path).id());
	}

	/**
	 * The settings of a reader from {@code key=value} options (values are YAML scalars), checked against
	 * its settings class; {@code null} for a reader without settings and no options.
	 *
	 * @throws ContributionException naming each option that is unknown, mistyped or out of range
	 */
	public Object settings(ContributionDescriptor reader, Map<String, String> options) throws ContributionException {
		return settings(this, "reader", reader, options, codec);
	}

	/** The settings of a reader or writer from {@code key=value} options (YAML scalars), checked against its settings class. */
	static Object settings(AbstractContributionRegistry<?> registry, String what, ContributionDescriptor contribution,
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

	/**
	 * Reads a volume with the reader that handles the path.
	 *
	 * @param options the reader's settings as {@code key=value} (see {@link #settings})
	 */
	@SuppressWarnings("unchecked")
	public Volume read(Path path, Map<String, String> options) throws IOException, ContributionException {
		ContributionDescriptor descriptor = requireDescriptorFor(path);
		Object settings = settings(descriptor, options);
		VolumeReader reader = createInstance(descriptor.id());
		return reader.read(path, settings);
	}

	/** Reads a volume with the reader that handles the path and its default settings. */
	public Volume read(Path path) throws IOException, ContributionException {
		return read(path, Map.of());
	}

	/** The geometry of a volume, from its header where the reader can (see {@link VolumeReader#geometry}). */
	@SuppressWarnings("unchecked")
	public VolumeGeometry geometry(Path path) throws IOException, ContributionException {
		ContributionDescriptor descriptor = requireDescriptorFor(path);
		VolumeReader reader = createInstance(descriptor.id());
		return reader.geometry(path, settings(descriptor, Map.of()));
	}
}
