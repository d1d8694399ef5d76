package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.VolumeWriterRegistry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab volume convert}: any readable volume to MetaImage (a .mhd target) or to a DICOM series (a folder). */
@Command(name = "convert", description = {
		"Convert a volume (a DICOM series folder, a MetaImage, or anything an installed reader reads) to MetaImage: <out>.mhd with MET_SHORT HU in <out>.raw (or zlib-compressed .zraw), origin, spacing and direction matrix, as ITK, SimpleITK and LUNA16 read it; or, for a target without an extension, to a DICOM CT series: a folder with one file per slice.",
		"Existing files are never overwritten." })
public final class VolumeConvertCommand implements Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", paramLabel = "<input>", description = "A DICOM series folder or file, or another readable volume.")
	Path input;

	@Parameters(index = "1", paramLabel = "<out.mhd | out-folder>")
	Path output;

	@Option(names = { "-w", "--writer-option" }, paramLabel = "KEY=VALUE", description = "A writer setting, e.g. -w seriesDescription=phantom for DICOM (see nodulab list writers --verbose).")
	Map<String, String> writerOptions = new LinkedHashMap<>();

	@Option(names = { "-o", "--option" }, paramLabel = "KEY=VALUE", description = "A reader setting, e.g. -o series=1.2.3 or -o allowUnevenSpacing=true for DICOM.")
	Map<String, String> options = new LinkedHashMap<>();

	@Option(names = "--compress", description = "Write zlib-compressed data (.zraw); LUNA16 tools memory-map uncompressed .raw faster.")
	boolean compress;

	public VolumeConvertCommand(Services services) {
		this.services = services;
	}

	@Override
	public Integer call() throws Exception {
		String name = output.getFileName().toString();
		if (name.contains(".") && !name.endsWith(".mhd")) {
			throw new IllegalArgumentException("the output must be a .mhd file or a folder for a DICOM series, got " + output);
		}
		if (compress && !name.endsWith(".mhd")) {
			throw new IllegalArgumentException("--compress applies to MetaImage (.mhd) output");
		}
		if (Files.exists(output)) {
			throw new java.nio.file.FileAlreadyExistsException(output.toString(), null, "volumes are never overwritten");
		}
		Volume volume = services.get(VolumeReaderRegistry.class).read(input, options);
		if (output.toAbsolutePath().getParent() != null) {
			Files.createDirectories(output.toAbsolutePath().getParent());
		}
		Map<String, String> settings = new LinkedHashMap<>(writerOptions);
		if (compress) {
			settings.put("compress", "true");
		}
		services.get(VolumeWriterRegistry.class).write(output, volume, settings);
		PrintWriter out = spec.commandLine().getOut();
		out.println(input + " -> " + output);
		volume.metadata().forEach((k, v) -> VolumeInfoCommand.row(out, k, v));
		VolumeInfoCommand.describe(out, volume);
		return 0;
	}
}
