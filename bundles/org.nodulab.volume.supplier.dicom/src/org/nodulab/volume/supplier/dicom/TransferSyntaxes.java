package org.nodulab.volume.supplier.dicom;

import java.util.Map;
import java.util.Set;

/** Transfer syntaxes by UID: their names, and which of them this reader decodes. */
final class TransferSyntaxes {

	private static final Map<String, String> NAMES = Map.ofEntries(
			Map.entry("1.2.840.10008.1.2", "Implicit VR Little Endian"),
			Map.entry("1.2.840.10008.1.2.1", "Explicit VR Little Endian"),
			Map.entry("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"),
			Map.entry("1.2.840.10008.1.2.2", "Explicit VR Big Endian"),
			Map.entry("1.2.840.10008.1.2.4.50", "JPEG Baseline (8-bit)"),
			Map.entry("1.2.840.10008.1.2.4.51", "JPEG Extended (12-bit)"),
			Map.entry("1.2.840.10008.1.2.4.57", "JPEG Lossless"),
			Map.entry("1.2.840.10008.1.2.4.70", "JPEG Lossless, first-order prediction (SV1)"),
			Map.entry("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless"),
			Map.entry("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless"),
			Map.entry("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless"),
			Map.entry("1.2.840.10008.1.2.4.91", "JPEG 2000"),
			Map.entry("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Lossless"),
			Map.entry("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2"),
			Map.entry("1.2.840.10008.1.2.4.100", "MPEG-2"),
			Map.entry("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Lossless"),
			Map.entry("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 RPCL Lossless"),
			Map.entry("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000"),
			Map.entry("1.2.840.10008.1.2.5", "RLE Lossless"));

	/** Decoded by PixelMed (JPEG lossless through pixelmed_imageio, JPEG 2000 through jai-imageio). */
	static final Set<String> DECODABLE = Set.of("1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99",
			"1.2.840.10008.1.2.2", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.90",
			"1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.5");

	private TransferSyntaxes() {
	}

	/** "UID (name)". */
	static String describe(String uid) {
		String name = NAMES.get(uid);
		return name == null ? uid : uid + " (" + name + ")";
	}

	static String decodableList() {
		return String.join(", ", DECODABLE.stream().sorted().map(u -> NAMES.getOrDefault(u, u)).toList());
	}
}
