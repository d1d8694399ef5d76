package org.nodulab.volume;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.eclipse.core.runtime.IExtensionRegistry;
import org.nodulab.core.registry.AbstractContributionRegistry;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.core.registry.ContributionRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** The volume readers contributed to {@code org.nodulab.volume.readers}. */
@Component(service = { VolumeReaderRegistry.class, ContributionRegistry.class })
public class VolumeReaderRegistry extends AbstractContributionRegistry<VolumeReader> {

	public static final String EXTENSION_POINT = "org.nodulab.volume.readers";

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
	 * Reads a volume with the matching reader.
	 *
	 * @throws ContributionException when no installed reader handles the path
	 */
	public VolumeReader requireReaderFor(Path path) throws ContributionException {
		ContributionDescriptor descriptor = readerFor(path).orElseThrow(() -> new ContributionException(
				"no installed volume reader handles " + path + "; installed: " + String.join(", ",
						descriptors().stream().map(d -> d.id() + " (" + (d.attribute("extensions") == null ? "folders"
								: d.attribute("extensions")) + ")").toList())));
		return createInstance(descriptor.id());
	}
}
