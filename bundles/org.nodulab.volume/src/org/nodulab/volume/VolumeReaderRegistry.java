package org.nodulab.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.eclipse.core.runtime.IExtensionRegistry;
import org.nodulab.core.registry.AbstractContributionRegistry;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.core.registry.ContributionRegistry;
import org.nodulab.core.settings.SettingsCodec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;


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
		String problem = FileContributions.extensionsOrFoldersProblem(attributes, "reads");
		if (problem != null) {
			throw new InvalidContributionException(problem);
		}
	}

	/** The reader whose declared extensions match the file, or the first folder reader for a folder. */
	public Optional<ContributionDescriptor> readerFor(Path path) {
		boolean folder = Files.isDirectory(path);
		String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
		return descriptors().stream()
				.filter(d -> folder ? FileContributions.handlesFolders(d) : FileContributions.handlesName(d, name)).findFirst();
	}

	/**
	 * The reader that handles a path.
	 *
	 * @throws ContributionException when no installed reader handles the path
	 */
	public ContributionDescriptor requireDescriptorFor(Path path) throws ContributionException {
		return readerFor(path).orElseThrow(() -> new ContributionException("no installed volume reader handles "
				+ path + (Files.exists(path) ? "" : " (it does not exist)") + "; installed: " + FileContributions.installed(descriptors())));
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
		return FileContributions.settings(this, "reader", reader, options, codec);
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
