package org.nodulab.volume;

import java.io.IOException;
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
import org.nodulab.core.settings.SettingsCodec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The volume writers contributed to {@code org.nodulab.volume.writers}: the way framework code (the synthetic
 * benchmark, {@code nodulab volume convert}) writes volumes and label images, whatever format a target names.
 */
@Component(service = { VolumeWriterRegistry.class, ContributionRegistry.class })
@SuppressWarnings("rawtypes")
public class VolumeWriterRegistry extends AbstractContributionRegistry<VolumeWriter> {

	public static final String EXTENSION_POINT = "org.nodulab.volume.writers";

	private final SettingsCodec codec = new SettingsCodec();

	@Activate
	public VolumeWriterRegistry(@Reference IExtensionRegistry registry) {
		super("writers", "Volume writers", EXTENSION_POINT, "writer", VolumeWriter.class, registry);
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
			throw new InvalidContributionException("declare the file 'extensions' it writes, or folders=\"true\"");
		}
	}

	/** The writer whose declared extensions match the target's name, or the first folder writer for a name without one. */
	public Optional<ContributionDescriptor> writerFor(Path target) {
		String name = target.getFileName() == null ? "" : target.getFileName().toString().toLowerCase(Locale.ROOT);
		Optional<ContributionDescriptor> byExtension = descriptors().stream()
				.filter(d -> d.attribute("extensions") != null && Arrays.stream(d.attribute("extensions").split(","))
						.map(e -> e.trim().toLowerCase(Locale.ROOT)).anyMatch(e -> !e.isEmpty() && name.endsWith(e)))
				.findFirst();
		if (byExtension.isPresent() || name.contains(".") && !Files.isDirectory(target)) {
			return byExtension;
		}
		return descriptors().stream().filter(d -> Boolean.parseBoolean(d.attribute("folders"))).findFirst();
	}

	/** @throws ContributionException when no installed writer writes such a target, naming the installed ones */
	public ContributionDescriptor requireWriterFor(Path target) throws ContributionException {
		return writerFor(target).orElseThrow(() -> new ContributionException("no installed volume writer writes " + target
				+ "; installed: " + String.join(", ", descriptors().stream().map(d -> d.id() + " ("
						+ (d.attribute("extensions") == null ? "" : d.attribute("extensions") + ", ")
						+ (Boolean.parseBoolean(d.attribute("folders")) ? "folders" : "files") + ")").toList())));
	}

	/**
	 * Writes a volume with the writer for the target.
	 *
	 * @param options the writer's settings as {@code key=value} (YAML scalars), e.g. {@code compress=true}
	 */
	@SuppressWarnings("unchecked")
	public void write(Path target, Volume volume, Map<String, String> options) throws IOException, ContributionException {
		ContributionDescriptor d = requireWriterFor(target);
		VolumeWriter writer = createInstance(d.id());
		writer.write(target, volume, VolumeReaderRegistry.settings(this, "writer", d, options, codec));
	}

	/** Writes a label image (a mask) with the writer for the target. */
	@SuppressWarnings("unchecked")
	public void writeLabels(Path target, VolumeGeometry geometry, byte[] labels, Map<String, String> options)
			throws IOException, ContributionException {
		ContributionDescriptor d = requireWriterFor(target);
		VolumeWriter writer = createInstance(d.id());
		writer.writeLabels(target, geometry, labels, VolumeReaderRegistry.settings(this, "writer", d, options, codec));
	}
}
