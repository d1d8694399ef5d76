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
		String problem = FileContributions.extensionsOrFoldersProblem(attributes, "writes");
		if (problem != null) {
			throw new InvalidContributionException(problem);
		}
	}

	/** The writer whose declared extensions match the target's name, or the first folder writer for a name without one. */
	public Optional<ContributionDescriptor> writerFor(Path target) {
		String name = target.getFileName() == null ? "" : target.getFileName().toString().toLowerCase(Locale.ROOT);
		Optional<ContributionDescriptor> byExtension = descriptors().stream().filter(d -> FileContributions.handlesName(d, name))
				.findFirst();
		if (byExtension.isPresent() || name.contains(".") && !Files.isDirectory(target)) {
			return byExtension;
		}
		return descriptors().stream().filter(FileContributions::handlesFolders).findFirst();
	}

	/** @throws ContributionException when no installed writer writes such a target, naming the installed ones */
	public ContributionDescriptor requireWriterFor(Path target) throws ContributionException {
		return writerFor(target).orElseThrow(() -> new ContributionException("no installed volume writer writes " + target
				+ "; installed: " + FileContributions.installed(descriptors())));
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
		writer.write(target, volume, FileContributions.settings(this, "writer", d, options, codec));
	}

	/** Writes a label image (a mask) with the writer for the target. */
	@SuppressWarnings("unchecked")
	public void writeLabels(Path target, VolumeGeometry geometry, byte[] labels, Map<String, String> options)
			throws IOException, ContributionException {
		ContributionDescriptor d = requireWriterFor(target);
		VolumeWriter writer = createInstance(d.id());
		writer.writeLabels(target, geometry, labels, FileContributions.settings(this, "writer", d, options, codec));
	}
}
