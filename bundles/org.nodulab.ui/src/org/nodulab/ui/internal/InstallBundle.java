package org.nodulab.ui.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;

import org.nodulab.core.dropins.Dropins;
import org.osgi.framework.FrameworkUtil;

/**
 * "Install model bundle": copies a bundle jar into the drop-in folder and synchronises, so its
 * architectures (augmentations, readers...) appear in the catalogue and the editor without a restart. The
 * headless twin is the folder itself: every command starts by synchronising it.
 */
public final class InstallBundle {

	private InstallBundle() {
	}

	/**
	 * Installs the jar.
	 *
	 * @return what the synchronisation did
	 * @throws IOException when the file is not a bundle jar (no Bundle-SymbolicName), the drop-in folder is
	 *             unknown, or the copy fails
	 */
	public static Dropins.Report install(Path jar) throws IOException {
		String name;
		try (JarFile j = new JarFile(jar.toFile())) {
			var manifest = j.getManifest();
			name = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
		} catch (IOException e) {
			throw new IOException(jar + " is not a jar: " + e.getMessage(), e);
		}
		if (name == null) {
			throw new IOException(jar + " is not an OSGi bundle: its manifest has no Bundle-SymbolicName");
		}
		Path folder = Dropins.folder();
		if (folder == null) {
			throw new IOException("no drop-in folder: start the workbench from the product or set -Dnodulab.dropins");
		}
		Files.createDirectories(folder);
		Path target = folder.resolve(jar.getFileName());
		if (!jar.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
			Path tmp = folder.resolve("." + jar.getFileName() + ".part");
			Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
			Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		Dropins.Report report = Dropins.synchronize(FrameworkUtil.getBundle(InstallBundle.class).getBundleContext(), folder);
		if (!report.problems().isEmpty()) {
			throw new IOException("installed " + target + ", but: " + String.join("; ", report.problems()));
		}
		return report;
	}
}
