package org.nodulab.volume.supplier.metaimage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;

import org.nodulab.core.io.AtomicFiles;
import org.nodulab.core.io.MemoryBudget;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;

/**
 * Reads and writes ITK MetaImage volumes ({@code .mhd} + {@code .raw}/{@code .zraw}, or {@code .mha}).
 * Every size a header claims is checked against the file and sane limits before anything is
 * allocated. Uncompressed little-endian MET_SHORT data (LUNA16's scans) are memory-mapped, not copied.
 */
public final class MetaImage {

	private MetaImage() {
	}

	/** Where the data of a header are, and how many bytes they take. */
	private record Layout(Path file, long offset, long rawBytes, long fileSize) {
	}

	/** Reads a volume; values are converted to int16 HU (float values rounded, out-of-range values an error). */
	public static Volume read(Path file) throws IOException {
		MetaImageHeader h = MetaImageHeader.read(file);
		h.dimensions();
		VolumeGeometry geometry = h.geometry();
		ElementType type = h.elementType();
		ByteOrder order = h.msb() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
		Layout layout = layout(h, geometry, type);
		Map<String, String> metadata = new LinkedHashMap<>();
		metadata.put("format", "MetaImage");
		metadata.put("header", file.toString());
		metadata.put("data file", layout.file() + (layout.offset() > 0 ? " from byte " + layout.offset() : ""));
		metadata.put("element type", type + (type.bytes() > 1 ? (h.msb() ? ", big-endian" : ", little-endian") : ""));
		metadata.put("compressed", h.compressed() ? "zlib" : "no");
		if (!h.compressed() && type == ElementType.MET_SHORT && order == ByteOrder.LITTLE_ENDIAN) {
			try (FileChannel channel = FileChannel.open(layout.file(), StandardOpenOption.READ)) {
				ShortBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, layout.offset(), layout.rawBytes())
						.order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
				metadata.put("memory", "mapped from the data file");
				return new Volume(geometry, mapped, metadata);
			}
		}
		// what the header claims must fit this JVM's heap before anything is allocated: the data as stored (and, when
		// compressed, the stream) plus the int16 copy
		long stored = h.compressed() ? layout.rawBytes() + Math.max(0, Math.min(h.compressedSize() >= 0 ? h.compressedSize() : layout.fileSize(),
				layout.fileSize() - layout.offset())) : layout.rawBytes();
		MemoryBudget.require(file, describe(geometry, type) + (h.compressed() ? " (zlib-compressed)" : ""),
				MemoryBudget.times(geometry.voxelCount(), 2) + stored);
		ByteBuffer raw = (h.compressed() ? inflate(h, layout) : readRegion(layout)).order(order);
		metadata.put("memory", "heap (converted to int16)");
		return new Volume(geometry, java.nio.ShortBuffer.wrap(toShorts(h, raw, type, geometry.voxelCount())), metadata);
	}

	/** The geometry from the header alone, after the same checks of the data file as {@link #read}. */
	public static VolumeGeometry readGeometry(Path file) throws IOException {
		MetaImageHeader h = MetaImageHeader.read(file);
		h.dimensions();
		VolumeGeometry geometry = h.geometry();
		layout(h, geometry, h.elementType());
		return geometry;
	}

	/** Reads a mask or label image: any integer element type, values 0..255. */
	public static byte[] readMask(Path file, VolumeGeometry expected) throws IOException {
		Volume v = read(file);
		if (expected != null && !java.util.Arrays.equals(v.geometry().size(), expected.size())) {
			throw new MetaImageException(file, 0, "mask size " + java.util.Arrays.toString(v.geometry().size())
					+ " does not match the volume's " + java.util.Arrays.toString(expected.size()));
		}
		byte[] mask = new byte[(int) v.geometry().voxelCount()];
		for (int i = 0; i < mask.length; i++) {
			short s = v.get(i);
			if (s < 0 || s > 255) {
				throw new MetaImageException(file, 0, "mask value " + s + " at voxel " + i + " is outside 0..255");
			}
			mask[i] = (byte) s;
		}
		return mask;
	}

	private static Layout layout(MetaImageHeader h, VolumeGeometry g, ElementType type) throws IOException {
		long rawBytes = g.voxelCount() * type.bytes();
		if (rawBytes > MetaImageHeader.MAX_BYTES) {
			throw h.error("DimSize", g.voxelCount() + " voxels of " + type + " are " + rawBytes
					+ " bytes, more than a volume may take (" + MetaImageHeader.MAX_BYTES + ")");
		}
		String name = h.dataFile();
		long headerSize = h.headerSize();
		Path dataFile;
		long offset;
		if (name.equals("LOCAL")) {
			dataFile = h.file();
			offset = h.textLength() + Math.max(0, headerSize);
		} else if (name.equals("LIST") || name.contains("%") || name.contains(" ")) {
			throw h.error("ElementDataFile", "lists and patterns of slice files are not supported ('" + name
					+ "'); convert the series to one data file");
		} else {
			dataFile = h.file().resolveSibling(name);
			if (!Files.isRegularFile(dataFile)) {
				throw h.error("ElementDataFile", "the data file " + dataFile + " does not exist");
			}
			offset = headerSize;
		}
		long fileSize = Files.size(dataFile);
		if (headerSize < -1) {
			throw h.error("HeaderSize", "expected -1 or a byte count, got " + headerSize);
		}
		if (headerSize > fileSize) {
			throw h.error("HeaderSize", headerSize + " bytes to skip, but the data file " + dataFile + " has " + fileSize + " bytes");
		}
		if (headerSize == -1) {
			if (h.compressed()) {
				throw h.error("HeaderSize", "-1 (data at the end of the file) needs uncompressed data");
			}
			offset = fileSize - rawBytes;
		}
		// every term is at most the file's size or DimSize's 2^31 voxels x 8 bytes: no sum overflows
		if (!h.compressed() && (offset < 0 || offset > fileSize || rawBytes > fileSize - offset)) {
			throw new MetaImageException(dataFile, 0, "truncated: " + describe(g, type) + " need " + rawBytes
					+ " bytes from byte " + Math.max(0, offset) + ", the file has " + fileSize + " bytes");
		}
		if (offset > fileSize) {
			throw new MetaImageException(dataFile, 0, "truncated: the data start at byte " + offset + ", the file has " + fileSize + " bytes");
		}
		return new Layout(dataFile, offset, rawBytes, fileSize);
	}

	private static String describe(VolumeGeometry g, ElementType type) {
		int[] s = g.size();
		return s[0] + "x" + s[1] + "x" + s[2] + " " + type + " voxels";
	}

	private static ByteBuffer readRegion(Layout layout) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate((int) layout.rawBytes());
		try (FileChannel channel = FileChannel.open(layout.file(), StandardOpenOption.READ)) {
			channel.position(layout.offset());
			while (buffer.hasRemaining()) {
				if (channel.read(buffer) < 0) {
					throw new MetaImageException(layout.file(), 0, "the file ended early");
				}
			}
		}
		return buffer.flip();
	}

	private static ByteBuffer inflate(MetaImageHeader h, Layout layout) throws IOException {
		long available = layout.fileSize() - layout.offset();
		long compressed = h.compressedSize() >= 0 ? h.compressedSize() : available;
		if (compressed > available || compressed <= 0) {
			throw new MetaImageException(layout.file(), 0, "truncated: CompressedDataSize is " + compressed
					+ " bytes, the file has " + available + " after byte " + layout.offset());
		}
		// zlib cannot expand data more than ~1032 times: refuse sizes the stream cannot hold before allocating
		if (layout.rawBytes() > compressed * 1100 + 4096) {
			throw h.error("DimSize", "claims " + layout.rawBytes() + " bytes of data, more than a zlib stream of "
					+ compressed + " bytes can hold");
		}
		byte[] input = new byte[(int) compressed];
		try (FileChannel channel = FileChannel.open(layout.file(), StandardOpenOption.READ)) {
			ByteBuffer in = ByteBuffer.wrap(input);
			channel.position(layout.offset());
			while (in.hasRemaining() && channel.read(in) >= 0) {
				// read all
			}
		}
		byte[] out = new byte[(int) layout.rawBytes()];
		Inflater inflater = new Inflater();
		try {
			inflater.setInput(input);
			int n = 0;
			while (n < out.length && !inflater.finished()) {
				int k = inflater.inflate(out, n, out.length - n);
				if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
					break;
				}
				n += k;
			}
			if (n < out.length) {
				throw new MetaImageException(layout.file(), 0, "truncated compressed data: " + n + " of "
						+ out.length + " bytes after decompression");
			}
		} catch (DataFormatException e) {
			throw new MetaImageException(layout.file(), "the compressed data are not a valid zlib stream", e);
		} finally {
			inflater.end();
		}
		return ByteBuffer.wrap(out);
	}

	private static short[] toShorts(MetaImageHeader h, ByteBuffer raw, ElementType type, long count)
			throws MetaImageException {
		short[] out = new short[(int) count];
		if (type == ElementType.MET_SHORT) {
			raw.asShortBuffer().get(out);
			return out;
		}
		for (int i = 0; i < out.length; i++) {
			double v = type.read(raw, i * type.bytes());
			double r = Math.rint(v);
			if (!(r >= Short.MIN_VALUE && r <= Short.MAX_VALUE)) {
				throw h.error("ElementType", type + " value " + v + " at voxel " + i + " does not fit int16 HU");
			}
			out[i] = (short) r;
		}
		return out;
	}

	/** Writes a volume as MET_SHORT: {@code <name>.mhd} and {@code <name>.raw} (or {@code .zraw} compressed). */
	public static void write(Path mhd, Volume volume, boolean compress) throws IOException {
		ShortBuffer voxels = volume.voxels();
		ByteBuffer data = ByteBuffer.allocate(voxels.capacity() * 2).order(ByteOrder.LITTLE_ENDIAN);
		data.asShortBuffer().put(voxels);
		write(mhd, volume.geometry(), ElementType.MET_SHORT, data, compress);
	}

	/** Writes a mask (0/1 or labels) as MET_UCHAR. */
	public static void writeMask(Path mhd, VolumeGeometry geometry, byte[] mask, boolean compress) throws IOException {
		write(mhd, geometry, ElementType.MET_UCHAR, ByteBuffer.wrap(mask), compress);
	}

	/**
	 * Writes any element type; {@code data} holds the values little-endian. The data file is written
	 * first and the header last, both atomically; neither may exist yet.
	 */
	public static void write(Path mhd, VolumeGeometry g, ElementType type, ByteBuffer data, boolean compress)
			throws IOException {
		if (data.remaining() != g.voxelCount() * type.bytes()) {
			throw new IllegalArgumentException("expected " + g.voxelCount() * type.bytes() + " bytes of " + type
					+ ", got " + data.remaining());
		}
		String base = mhd.getFileName().toString().replaceFirst("\\.mhd$", "");
		Path raw = mhd.resolveSibling(base + (compress ? ".zraw" : ".raw"));
		if (Files.exists(mhd)) {
			throw new java.nio.file.FileAlreadyExistsException(mhd.toString(), null, "volumes are never overwritten");
		}
		long[] compressedSize = { -1 };
		AtomicFiles.create(raw, out -> {
			if (compress) {
				CountingStream counting = new CountingStream(out);
				Deflater deflater = new Deflater(Deflater.BEST_SPEED);
				try (DeflaterOutputStream z = new DeflaterOutputStream(counting, deflater, 1 << 16)) {
					writeAll(z, data.duplicate());
				} finally {
					deflater.end();
				}
				compressedSize[0] = counting.count;
			} else {
				writeAll(out, data.duplicate());
			}
		});
		StringBuilder b = new StringBuilder();
		b.append("ObjectType = Image\n");
		b.append("NDims = 3\n");
		b.append("BinaryData = True\n");
		b.append("BinaryDataByteOrderMSB = False\n");
		b.append("CompressedData = ").append(compress ? "True" : "False").append('\n');
		if (compress) {
			b.append("CompressedDataSize = ").append(compressedSize[0]).append('\n');
		}
		double[] d = g.direction();
		double[] m = new double[9];
		for (int r = 0; r < 3; r++) {
			for (int c = 0; c < 3; c++) {
				m[c * 3 + r] = d[r * 3 + c];
			}
		}
		b.append("TransformMatrix = ").append(join(m)).append('\n');
		b.append("Offset = ").append(join(g.origin())).append('\n');
		b.append("CenterOfRotation = 0 0 0\n");
		if (java.util.Arrays.equals(d, new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 })) {
			b.append("AnatomicalOrientation = RAI\n");
		}
		b.append("ElementSpacing = ").append(join(g.spacing())).append('\n');
		int[] s = g.size();
		b.append("DimSize = ").append(s[0]).append(' ').append(s[1]).append(' ').append(s[2]).append('\n');
		b.append("ElementType = ").append(type).append('\n');
		b.append("ElementDataFile = ").append(raw.getFileName()).append('\n');
		AtomicFiles.create(mhd, out -> out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1)));
	}

	private static void writeAll(OutputStream out, ByteBuffer data) throws IOException {
		byte[] chunk = new byte[1 << 16];
		while (data.hasRemaining()) {
			int n = Math.min(chunk.length, data.remaining());
			data.get(chunk, 0, n);
			out.write(chunk, 0, n);
		}
	}

	private static String join(double[] values) {
		StringBuilder b = new StringBuilder();
		for (int i = 0; i < values.length; i++) {
			double v = values[i] + 0.0;
			b.append(i == 0 ? "" : " ").append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
					: String.format(Locale.ROOT, "%s", v));
		}
		return b.toString();
	}

	private static final class CountingStream extends java.io.FilterOutputStream {
		long count;

		CountingStream(OutputStream out) {
			super(out);
		}

		@Override
		public void write(int b) throws IOException {
			out.write(b);
			count++;
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			out.write(b, off, len);
			count += len;
		}
	}
}
