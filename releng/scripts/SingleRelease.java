import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Build step of the library bundles (run by their poms after the jars are copied into lib/): a nested jar that says
 * {@code Multi-Release: true} but whose versioned part is only {@code module-info.class}, which OSGi ignores, loses
 * that attribute. Equinox looks for {@code META-INF/versions/9/} up to the running Java's version in every class path
 * entry that is a multi-release jar, and for a folder without an entry of its own it lists all of the jar's entries,
 * once per version: for ND4J's, DL4J's, JavaCPP's and PyTorch's class jars 0.1-0.6 s of each process that loads a
 * backend (docs/performance.md). Jars with versioned classes, signed jars and jars of fewer than
 * {@value #MIN_ENTRIES} entries (the native-library jars: few entries, hundreds of megabytes) are left as they are.
 * The entries are copied unchanged, the manifest keeps every other attribute, the file keeps its modification time.
 *
 * <p>Usage: {@code java SingleRelease.java <folder of jars>}
 */
public class SingleRelease {

	static final int MIN_ENTRIES = 100;

	public static void main(String[] args) throws IOException {
		if (args.length != 1) {
			System.err.println("usage: java SingleRelease.java <folder of jars>");
			System.exit(2);
		}
		Path folder = Path.of(args[0]);
		if (!Files.isDirectory(folder)) {
			return;
		}
		List<Path> jars;
		try (var list = Files.list(folder)) {
			jars = list.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
		}
		for (Path jar : jars) {
			if (rewrite(jar)) {
				System.out.println("single-release: " + jar.getFileName() + " (its versioned part was module-info.class only)");
			}
		}
	}

	/** Removes the attribute where that is safe; whether it did. */
	static boolean rewrite(Path jar) throws IOException {
		Manifest manifest;
		try (JarFile file = new JarFile(jar.toFile(), false)) {
			manifest = file.getManifest();
			if (manifest == null || !"true".equalsIgnoreCase(String.valueOf(manifest.getMainAttributes().getValue("Multi-Release")).trim())
					|| file.size() < MIN_ENTRIES) {
				return false;
			}
			for (Enumeration<java.util.jar.JarEntry> e = file.entries(); e.hasMoreElements();) {
				String name = e.nextElement().getName();
				String upper = name.toUpperCase(java.util.Locale.ROOT);
				if (upper.startsWith("META-INF/") && (upper.endsWith(".SF") || upper.endsWith(".RSA") || upper.endsWith(".DSA")
						|| upper.endsWith(".EC"))) {
					return false; // signed: the signature covers the manifest
				}
				if (name.startsWith("META-INF/versions/") && !name.endsWith("/") && !name.endsWith("/module-info.class")) {
					return false;
				}
			}
		}
		manifest.getMainAttributes().remove(new Attributes.Name("Multi-Release"));
		FileTime modified = Files.getLastModifiedTime(jar);
		Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
		try (ZipFile in = new ZipFile(jar.toFile()); OutputStream file = Files.newOutputStream(tmp);
				JarOutputStream out = new JarOutputStream(file, manifest)) {
			for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements();) {
				ZipEntry entry = e.nextElement();
				if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
					continue;
				}
				ZipEntry copy = new ZipEntry(entry.getName());
				copy.setTime(entry.getTime());
				copy.setMethod(entry.getMethod());
				if (entry.getMethod() == ZipEntry.STORED) {
					copy.setSize(entry.getSize());
					copy.setCompressedSize(entry.getCompressedSize());
					copy.setCrc(entry.getCrc());
				}
				out.putNextEntry(copy);
				try (InputStream data = in.getInputStream(entry)) {
					data.transferTo(out);
				}
				out.closeEntry();
			}
		} catch (IOException | RuntimeException e) {
			Files.deleteIfExists(tmp);
			throw e;
		}
		Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		Files.setLastModifiedTime(jar, modified);
		return true;
	}
}
