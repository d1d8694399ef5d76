package org.nodulab.volume.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.DeflaterOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nodulab.core.io.MemoryBudget;
import org.nodulab.test.support.Osgi;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.VolumeReaderRegistry;
import org.nodulab.volume.supplier.metaimage.ElementType;
import org.nodulab.volume.supplier.metaimage.MetaImage;
import org.nodulab.volume.supplier.metaimage.MetaImageException;

class MetaImageTest {

	@TempDir
	Path dir;

	static final String LUNA_HEADER = """
			ObjectType = Image
			NDims = 3
			BinaryData = True
			BinaryDataByteOrderMSB = False
			CompressedData = False
			TransformMatrix = 1 0 0 0 1 0 0 0 1
			Offset = -195 -195 -378
			CenterOfRotation = 0 0 0
			AnatomicalOrientation = RAI
			ElementSpacing = 0.7617189884185791 0.7617189884185791 2.5
			DimSize = 4 3 2
			ElementType = MET_SHORT
			ElementDataFile = scan.raw
			""";

	static short[] ramp(int n) {
		short[] v = new short[n];
		for (int i = 0; i < n; i++) {
			v[i] = (short) (i * 37 - 1000);
		}
		return v;
	}

	static byte[] bytes(short[] values, ByteOrder order) {
		ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(order);
		b.asShortBuffer().put(values);
		return b.array();
	}

	Path header(String name, String text) throws IOException {
		Path f = dir.resolve(name);
		Files.writeString(f, text, StandardCharsets.ISO_8859_1);
		return f;
	}

	String message(Path mhd) {
		return assertThrows(MetaImageException.class, () -> MetaImage.read(mhd)).getMessage();
	}

	@Test
	void aLuna16HeaderIsReadAndItsDataMapped() throws Exception {
		Path mhd = header("scan.mhd", LUNA_HEADER);
		short[] values = ramp(24);
		Files.write(dir.resolve("scan.raw"), bytes(values, ByteOrder.LITTLE_ENDIAN));
		Volume v = MetaImage.read(mhd);
		assertArrayEquals(new int[] { 4, 3, 2 }, v.geometry().size());
		assertArrayEquals(new double[] { 0.7617189884185791, 0.7617189884185791, 2.5 }, v.geometry().spacing());
		assertArrayEquals(new double[] { -195, -195, -378 }, v.geometry().origin());
		assertArrayEquals(values, v.toArray());
		assertEquals(values[(1 * 3 + 2) * 4 + 3], v.get(3, 2, 1));
		assertTrue(v.voxels().isDirect(), "uncompressed MET_SHORT data are memory-mapped");
		// world position of voxel (1, 2, 1)
		assertArrayEquals(new double[] { -195 + 0.7617189884185791, -195 + 2 * 0.7617189884185791, -375.5 },
				v.geometry().voxelToWorld(new double[] { 1, 2, 1 }), 1e-12);
	}

	@Test
	void roundTripsKeepGeometryAndValuesWithAndWithoutCompression() throws Exception {
		// a rotated direction: x axis along world y, y along -x
		VolumeGeometry g = new VolumeGeometry(new int[] { 5, 4, 3 }, new double[] { 0.7, 0.8, 1.25 },
				new double[] { -10.5, 20.25, -300 }, new double[] { 0, -1, 0, 1, 0, 0, 0, 0, 1 });
		Volume v = new Volume(g, ramp(60));
		for (boolean compress : new boolean[] { false, true }) {
			Path mhd = dir.resolve("rt" + compress + ".mhd");
			MetaImage.write(mhd, v, compress);
			assertTrue(Files.exists(dir.resolve("rt" + compress + (compress ? ".zraw" : ".raw"))));
			Volume back = MetaImage.read(mhd);
			assertArrayEquals(v.toArray(), back.toArray());
			assertArrayEquals(g.direction(), back.geometry().direction());
			assertArrayEquals(g.origin(), back.geometry().origin());
			assertArrayEquals(g.spacing(), back.geometry().spacing());
		}
		String text = Files.readString(dir.resolve("rttrue.mhd"));
		assertTrue(text.contains("TransformMatrix = 0 1 0 -1 0 0 0 0 1\n"), text);
		assertTrue(text.contains("CompressedDataSize = "), text);
		assertThrows(FileAlreadyExistsException.class, () -> MetaImage.write(dir.resolve("rtfalse.mhd"), v, false));
	}

	@Test
	void worldToVoxelToWorldWithADirectionMatrix() {
		double c = Math.cos(0.3);
		double s = Math.sin(0.3);
		VolumeGeometry g = new VolumeGeometry(new int[] { 10, 10, 10 }, new double[] { 0.6, 0.9, 2.0 },
				new double[] { 5, -7, 100 }, new double[] { c, -s, 0, s, c, 0, 0, 0, -1 });
		double[] index = { 3.25, 7.5, 1.75 };
		double[] world = g.voxelToWorld(index);
		assertArrayEquals(index, g.worldToVoxel(world), 1e-12);
		double[] w = { 12.5, -3.25, 90 };
		assertArrayEquals(w, g.voxelToWorld(g.worldToVoxel(w)), 1e-12);
	}

	@Test
	void aliasesBigEndianHeaderSizeAndOtherElementTypes() throws Exception {
		short[] values = ramp(24);
		Path raw = dir.resolve("be.raw");
		byte[] skip = new byte[17];
		byte[] data = bytes(values, ByteOrder.BIG_ENDIAN);
		byte[] all = new byte[skip.length + data.length];
		System.arraycopy(data, 0, all, skip.length, data.length);
		Files.write(raw, all);
		Path mhd = header("be.mhd", """
				NDims = 3
				ElementByteOrderMSB = True
				Position = 1 2 3
				Orientation = 1 0 0 0 1 0 0 0 1
				ElementSize = 1 1 1
				DimSize = 4 3 2
				HeaderSize = 17
				ElementType = MET_SHORT
				ElementDataFile = be.raw
				""");
		Volume v = MetaImage.read(mhd);
		assertArrayEquals(values, v.toArray());
		assertArrayEquals(new double[] { 1, 2, 3 }, v.geometry().origin());

		Path tail = header("tail.mhd", LUNA_HEADER.replace("scan.raw", "be.raw").replace("MSB = False", "MSB = True")
				.replace("ElementType", "HeaderSize = -1\nElementType"));
		assertArrayEquals(values, MetaImage.read(tail).toArray());

		ByteBuffer floats = ByteBuffer.allocate(24 * 4).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < 24; i++) {
			floats.putFloat(i * 4, (float) (values[i] + 0.4));
		}
		MetaImage.write(dir.resolve("f.mhd"), MetaImage.read(mhd).geometry(), ElementType.MET_FLOAT, floats, false);
		assertArrayEquals(values, MetaImage.read(dir.resolve("f.mhd")).toArray());

		byte[] mask = new byte[24];
		mask[5] = 1;
		mask[7] = (byte) 200;
		MetaImage.writeMask(dir.resolve("m.mhd"), v.geometry(), mask, true);
		assertArrayEquals(mask, MetaImage.readMask(dir.resolve("m.mhd"), v.geometry()));
	}

	@Test
	void dataInsideTheHeaderFile() throws Exception {
		short[] values = ramp(24);
		byte[] text = LUNA_HEADER.replace("ElementDataFile = scan.raw", "ElementDataFile = LOCAL")
				.getBytes(StandardCharsets.ISO_8859_1);
		try (OutputStream out = Files.newOutputStream(dir.resolve("local.mha"))) {
			out.write(text);
			out.write(bytes(values, ByteOrder.LITTLE_ENDIAN));
		}
		assertArrayEquals(values, MetaImage.read(dir.resolve("local.mha")).toArray());
	}

	@Test
	void truncatedDataNameTheFileAndTheBytes() throws Exception {
		Path mhd = header("scan.mhd", LUNA_HEADER);
		Files.write(dir.resolve("scan.raw"), new byte[40]);
		assertEquals(dir.resolve("scan.raw") + ": truncated: 4x3x2 MET_SHORT voxels need 48 bytes from byte 0, the file has 40 bytes",
				message(mhd));
	}

	@Test
	void absurdSizesAreRefusedBeforeAnythingIsAllocated() throws Exception {
		Path huge = header("huge.mhd", LUNA_HEADER.replace("DimSize = 4 3 2", "DimSize = 100000 100000 100000"));
		assertEquals(huge + ":11: DimSize: each size must be between 1 and 65536, got [100000, 100000, 100000]", message(huge));
		Path big = header("big.mhd", LUNA_HEADER.replace("DimSize = 4 3 2", "DimSize = 65536 65536 512"));
		assertTrue(message(big).contains("more than the 2147483648 a volume may have"), message(big));
		// a tiny compressed file cannot hold 512^3 voxels: refused before inflating
		try (OutputStream out = new DeflaterOutputStream(Files.newOutputStream(dir.resolve("scan.raw")))) {
			out.write(new byte[1000]);
		}
		Path zip = header("zip.mhd", LUNA_HEADER.replace("DimSize = 4 3 2", "DimSize = 512 512 512").replace(
				"CompressedData = False", "CompressedData = True\nCompressedDataSize = " + Files.size(dir.resolve("scan.raw"))));
		assertTrue(message(zip).contains("DimSize: claims 268435456 bytes of data, more than a zlib stream of"),
				message(zip));
	}

	/** Issue 15: a 1 MB zlib stream claiming a gibibyte ended the JVM (exit 13, no file named). */
	@Test
	void aClaimTheHeapCannotHoldIsRefusedWithTheFileTheClaimAndTheLimit() throws Exception {
		byte[] noise = new byte[1 << 20];
		new java.util.Random(7).nextBytes(noise);
		Files.write(dir.resolve("scan.zraw"), noise);
		Path claim = header("claim.mhd", LUNA_HEADER.replace("DimSize = 4 3 2", "DimSize = 1024 1024 512").replace("scan.raw", "scan.zraw")
				.replace("CompressedData = False", "CompressedData = True\nCompressedDataSize = " + noise.length));
		MemoryBudget.TooLargeException e = assertThrows(MemoryBudget.TooLargeException.class, () -> MetaImage.read(claim));
		assertTrue(e.getMessage().startsWith(claim + ": 1024x1024x512 MET_SHORT voxels (zlib-compressed) needs 2.0 GiB"), e.getMessage());
		assertTrue(e.getMessage().contains("more than this JVM can allocate now") && e.claimed() > e.limit(), e.getMessage());
		// the geometry alone is still there, without touching the data
		assertArrayEquals(new int[] { 1024, 1024, 512 }, MetaImage.readGeometry(claim).size());
	}

	@Test
	void headerNumbersNeverOverflow() throws Exception {
		Files.write(dir.resolve("scan.raw"), new byte[48]);
		Path skip = header("skip.mhd", LUNA_HEADER.replace("CompressedData = False", "CompressedData = False\nHeaderSize = 9223372036854775000"));
		assertEquals(skip + ":6: HeaderSize: 9223372036854775000 bytes to skip, but the data file " + dir.resolve("scan.raw") + " has 48 bytes",
				message(skip));
		Path local = header("local.mhd", LUNA_HEADER.replace("scan.raw", "LOCAL").replace("CompressedData = False",
				"CompressedData = False\nHeaderSize = 9223372036854775000"));
		assertTrue(message(local).contains("HeaderSize: 9223372036854775000 bytes to skip"), message(local));
		Path dims = header("dims.mhd", LUNA_HEADER.replace("NDims = 3", "NDims = 4294967299"));
		assertEquals(dims + ":2: NDims: expected a small whole number, got '4294967299'", message(dims));
		Path size = header("size.mhd", LUNA_HEADER.replace("CompressedData = False", "CompressedData = True\nCompressedDataSize = 9223372036854775807"));
		assertTrue(message(size).contains("truncated: CompressedDataSize is 9223372036854775807 bytes"), message(size));
	}

	@Test
	void headerMistakesNameTheLineAndKey() throws Exception {
		assertEquals(dir.resolve("t.mhd") + ":12: ElementType: unknown element type 'MET_HALF'; expected one of "
				+ "MET_UCHAR, MET_CHAR, MET_SHORT, MET_USHORT, MET_INT, MET_UINT, MET_LONG, MET_ULONG, MET_FLOAT, MET_DOUBLE",
				message(header("t.mhd", LUNA_HEADER.replace("MET_SHORT", "MET_HALF"))));
		assertEquals(dir.resolve("d.mhd") + ":13: ElementDataFile: the data file " + dir.resolve("missing.raw")
				+ " does not exist", message(header("d.mhd", LUNA_HEADER.replace("scan.raw", "missing.raw"))));
		assertEquals(dir.resolve("n.mhd") + ":2: NDims: expected 3 (a volume), got 2",
				message(header("n.mhd", LUNA_HEADER.replace("NDims = 3", "NDims = 2"))));
		assertEquals(dir.resolve("s.mhd") + ":10: ElementSpacing: expected 3 number(s), got '0.7 x 2.5'",
				message(header("s.mhd", LUNA_HEADER.replace("0.7617189884185791 0.7617189884185791 2.5", "0.7 x 2.5"))));
		assertTrue(message(header("m.mhd", LUNA_HEADER.replace("1 0 0 0 1 0 0 0 1", "1 0 0 1 0 0 0 0 1")))
				.contains("TransformMatrix: direction matrix is not invertible"));
		assertTrue(message(header("e.mhd", "NDims = 3\nDimSize = 1 1 1\n")).contains("the header ends without an ElementDataFile line"));
		assertTrue(message(header("g.mhd", "\u0089PNG garbage\n")).contains(":1: expected 'Key = value'"));
		assertEquals(dir.resolve("x.mhd") + ": file does not exist", message(dir.resolve("x.mhd")));
	}

	@Test
	void theReaderIsContributedForMhdAndMhaFiles() throws Exception {
		VolumeReaderRegistry registry = Osgi.service(VolumeReaderRegistry.class);
		assertEquals("metaimage", registry.readerFor(Path.of("a/b.mhd")).orElseThrow().id());
		assertEquals("metaimage", registry.readerFor(Path.of("a/b.MHA")).orElseThrow().id());
		assertTrue(registry.readerFor(Path.of("a/b.nii")).isEmpty());
		Path mhd = header("scan.mhd", LUNA_HEADER);
		Files.write(dir.resolve("scan.raw"), bytes(ramp(24), ByteOrder.LITTLE_ENDIAN));
		Volume read = registry.read(mhd);
		assertArrayEquals(ramp(24), read.toArray());
		assertTrue(read.isMapped(), "LUNA16's little-endian MET_SHORT data are memory-mapped");
		assertEquals("MetaImage", read.metadata().get("format"));
		assertEquals(read.geometry().toString(), registry.geometry(mhd).toString());
		assertTrue(assertThrows(org.nodulab.core.registry.ContributionException.class,
				() -> registry.read(mhd, java.util.Map.of("series", "1"))).getMessage()
				.contains("reader 'metaimage' takes no options, got series"));
	}
}
