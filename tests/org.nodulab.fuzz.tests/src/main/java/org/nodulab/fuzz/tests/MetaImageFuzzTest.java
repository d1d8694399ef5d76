package org.nodulab.fuzz.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.nodulab.volume.Volume;
import org.nodulab.volume.supplier.metaimage.MetaImage;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The MetaImage header parser and reader. An input is a header (text up to the first NUL byte) and the bytes of
 * its data file (the rest), written as {@code scan.mhd} + {@code scan.raw} / {@code scan.zraw}; the header may also
 * say {@code ElementDataFile = LOCAL}. Seeds and findings: {@code src/test/resources/.../MetaImageFuzzTestInputs/}.
 */
class MetaImageFuzzTest {

	@FuzzTest(maxDuration = "30s")
	void readsOrRefuses(byte[] input) throws IOException {
		byte[][] parts = Inputs.split(input);
		Path dir = Inputs.folder();
		try {
			Path mhd = dir.resolve("scan.mhd");
			Files.write(mhd, parts[0]);
			Files.write(dir.resolve("scan.raw"), parts[1]);
			Files.write(dir.resolve("scan.zraw"), parts[1]);
			Path[] named = { mhd, dir.resolve("scan.raw"), dir.resolve("scan.zraw") };
			try {
				Volume v = MetaImage.read(mhd);
				long voxels = v.geometry().voxelCount();
				if (voxels > 0) {
					v.get((int) (voxels - 1)); // every voxel the geometry claims is there
				}
			} catch (IOException e) {
				Inputs.requireNamed(e, named);
			}
			try {
				MetaImage.readGeometry(mhd);
			} catch (IOException e) {
				Inputs.requireNamed(e, named);
			}
		} finally {
			Inputs.delete(dir);
		}
	}
}
