package org.nodulab.volume.supplier.dicom;

import java.io.IOException;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.nodulab.core.io.MemoryBudget;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.VolumeReader;

import com.pixelmed.dicom.DicomFileUtilities;

/**
 * Reads a DICOM CT series into a volume: a folder of files is grouped into series by
 * SeriesInstanceUID (several series are listed, one is chosen with {@link DicomSettings#series}); the
 * slices are sorted along the slice normal from ImagePositionPatient and ImageOrientationPatient;
 * voxel values are HU from RescaleSlope/RescaleIntercept; the slice spacing comes from the positions,
 * never from SliceThickness. Uneven gaps are an error naming the gap unless
 * {@link DicomSettings#allowUnevenSpacing}; two files at the same position are one slice when their
 * pixels are identical and an error otherwise; a transfer syntax that cannot be decoded (JPEG-LS) is
 * an error naming it. World coordinates are DICOM patient coordinates (LPS), as ITK and LUNA16 use.
 */
public final class DicomSeriesReader implements VolumeReader<DicomSettings> {

	/** Slices closer than this along the normal are at the same position (mm). */
	private static final double SAME_POSITION_MM = 0.01;
	/** Largest volume we agree to allocate (voxels). */
	private static final long MAX_VOXELS = Integer.MAX_VALUE - 8L;

	/** A series found in a folder. */
	public record SeriesSummary(String uid, String description, String modality, int files, Path firstFile) {

		@Override
		public String toString() {
			return uid + " (" + files + " file" + (files == 1 ? "" : "s") + ", " + (modality.isEmpty() ? "no modality" : modality)
					+ (description.isEmpty() ? "" : ", '" + description + "'") + ")";
		}
	}

	/** The slices of the chosen series in order, and the grid they give. */
	private record Arranged(String seriesUid, List<SliceHeader> slices, double[] positions, VolumeGeometry geometry,
			boolean interpolate, Map<String, String> metadata) {
	}

	/** Image files by series, and how many files were not DICOM images. */
	private record Scan(Map<String, List<SliceHeader>> series, int skipped) {
	}

	@Override
	public Volume read(Path path, DicomSettings settings) throws IOException {
		Arranged a = arrange(path, settings == null ? new DicomSettings() : settings, true);
		int[] size = a.geometry().size();
		// the volume (int16) and, per decoding thread, a slice as stored (int32) and in HU (int16)
		long plane = (long) size[0] * size[1];
		MemoryBudget.require(path, size[0] + "x" + size[1] + "x" + size[2] + " voxels of series " + a.seriesUid(),
				MemoryBudget.times(plane, size[2], 2) + MemoryBudget.times(plane, 6 * 3));
		return new Volume(a.geometry(), ShortBuffer.wrap(decode(a)), a.metadata());
	}

	/** From the headers alone (no pixel data decoded). */
	@Override
	public VolumeGeometry geometry(Path path, DicomSettings settings) throws IOException {
		return arrange(path, settings == null ? new DicomSettings() : settings, false).geometry();
	}

	/** The series in a folder (or the series of one file), ordered by UID. */
	public static List<SeriesSummary> listSeries(Path path, boolean recursive) throws IOException {
		List<SeriesSummary> out = new ArrayList<>();
		for (Map.Entry<String, List<SliceHeader>> e : scan(path, recursive).series().entrySet()) {
			SliceHeader first = e.getValue().get(0);
			out.add(new SeriesSummary(e.getKey(), first.seriesDescription(), first.modality(), e.getValue().size(),
					first.file()));
		}
		return out;
	}

	private static Scan scan(Path path, boolean recursive) throws IOException {
		List<Path> files;
		if (Files.isDirectory(path)) {
			try (Stream<Path> walk = recursive ? Files.walk(path) : Files.list(path)) {
				files = walk.filter(Files::isRegularFile).sorted().toList();
			}
		} else if (Files.isRegularFile(path)) {
			files = List.of(path);
		} else {
			throw new DicomException(path, "does not exist");
		}
		Map<String, List<SliceHeader>> series = new TreeMap<>();
		int skipped = 0;
		List<String> skippedNames = new ArrayList<>();
		for (Path file : files) {
			if (!PixelMedOutput.during(file, () -> DicomFileUtilities.isDicomOrAcrNemaFile(file.toFile()))) {
				if (files.size() == 1 || !otherKindOfFile(file)) {
					// a file that may have been a slice (a DICOM name, or none) but cannot be read is never passed over
					throw new DicomException(file, "not a DICOM file (no DICM preamble and no DICOM data set at its start): "
							+ (Files.size(file) < 132 ? "only " + Files.size(file) + " bytes, truncated?" : "damaged, or not a DICOM file")
							+ (files.size() == 1 ? "" : "; remove it from the folder if it is not part of the series"));
				}
				skipped++;
				skippedNames.add(file.getFileName().toString());
				continue;
			}
			SliceHeader h = SliceHeader.read(file);
			if (h == null) {
				skipped++;
				skippedNames.add(file.getFileName().toString());
				continue;
			}
			series.computeIfAbsent(h.seriesUid(), k -> new ArrayList<>()).add(h);
		}
		if (series.isEmpty()) {
			throw new DicomException(path, "no DICOM image files" + (skipped > 0 ? " (" + skipped + " other files)" : ""));
		}
		return new Scan(series, skipped);
	}

	/**
	 * Files a DICOM folder may hold beside its slices that are not DICOM: hidden files and files with an extension
	 * DICOM files do not have (README.txt, index.html, a .mhd). A file without an extension, or named .dcm, .dicom,
	 * .ima or .img, that is not DICOM is an error: it may be a damaged slice.
	 */
	static boolean otherKindOfFile(Path file) {
		String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
		if (name.startsWith(".")) {
			return true;
		}
		int dot = name.lastIndexOf('.');
		if (dot <= 0 || dot == name.length() - 1) {
			return false;
		}
		String extension = name.substring(dot + 1);
		return !extension.chars().allMatch(Character::isDigit) && !Set.of("dcm", "dicom", "dic", "ima", "img").contains(extension);
	}

	private static Arranged arrange(Path path, DicomSettings s, boolean compareDuplicates) throws IOException {
		Scan scan = scan(path, s.recursive);
		List<SliceHeader> slices;
		String uid;
		if (s.series != null && !s.series.isBlank()) {
			uid = s.series.trim();
			slices = scan.series().get(uid);
			if (slices == null) {
				throw new DicomException(path, "no series " + uid + "; the folder holds: " + summaries(scan));
			}
		} else if (scan.series().size() > 1) {
			throw new DicomException(path, "the folder holds " + scan.series().size()
					+ " series; choose one with the reader option series=<SeriesInstanceUID>: " + summaries(scan));
		} else {
			uid = scan.series().keySet().iterator().next();
			slices = scan.series().get(uid);
		}
		SliceHeader first = slices.get(0);
		check(first, s);
		// decoding one slice takes its stored values (int32) and HU (int16), twice when two slices are compared
		MemoryBudget.require(first.file(), "a slice of " + first.columns() + "x" + first.rows() + " pixels",
				MemoryBudget.times(first.rows(), first.columns(), 2 * (4 + 2)));
		for (SliceHeader h : slices) {
			check(h, s);
			if (h.rows() != first.rows() || h.columns() != first.columns()) {
				throw new DicomException(h.file(), "slice of " + h.columns() + "x" + h.rows() + " pixels in a series of "
						+ first.columns() + "x" + first.rows() + " (" + first.file().getFileName() + ")");
			}
			for (int i = 0; i < 6; i++) {
				if (Math.abs(h.orientation()[i] - first.orientation()[i]) > 1e-4) {
					throw new DicomException(h.file(), "ImageOrientationPatient " + Arrays.toString(h.orientation())
							+ " differs from " + Arrays.toString(first.orientation()) + " of " + first.file().getFileName()
							+ ": the slices are not parallel");
				}
			}
			for (int i = 0; i < 2; i++) {
				if (Math.abs(h.pixelSpacing()[i] - first.pixelSpacing()[i]) > 1e-4 * first.pixelSpacing()[i]) {
					throw new DicomException(h.file(), "PixelSpacing " + Arrays.toString(h.pixelSpacing()) + " differs from "
							+ Arrays.toString(first.pixelSpacing()) + " of " + first.file().getFileName());
				}
			}
		}
		double[] normal = first.normal();
		List<SliceHeader> sorted = new ArrayList<>(slices);
		sorted.sort(Comparator.comparingDouble((SliceHeader h) -> Geometry.dot(h.position(), normal))
				.thenComparing(h -> h.file().toString()));

		Map<String, String> metadata = new LinkedHashMap<>();
		metadata.put("format", "DICOM");
		metadata.put("series", uid + (first.seriesDescription().isEmpty() ? "" : " '" + first.seriesDescription() + "'"));
		metadata.put("modality", first.modality());
		metadata.put("transfer syntax", String.join(", ",
				new TreeSet<>(sorted.stream().map(h -> TransferSyntaxes.describe(h.transferSyntax())).toList())));
		if (scan.series().size() > 1) {
			metadata.put("other series", String.valueOf(scan.series().size() - 1));
		}
		if (scan.skipped() > 0) {
			metadata.put("skipped", scan.skipped() + " file(s) that are not DICOM images");
		}

		// the same position twice: one slice when the pixels are identical, an error otherwise
		List<SliceHeader> unique = new ArrayList<>();
		int duplicates = 0;
		for (SliceHeader h : sorted) {
			SliceHeader previous = unique.isEmpty() ? null : unique.get(unique.size() - 1);
			if (previous != null && Math.abs(Geometry.dot(h.position(), normal)
					- Geometry.dot(previous.position(), normal)) < SAME_POSITION_MM) {
				if (compareDuplicates && !Arrays.equals(hu(previous), hu(h))) {
					throw new DicomException(h.file(), "same slice position " + format(Geometry.dot(h.position(), normal))
							+ " mm as " + previous.file() + " but different pixel data: two acquisitions mixed in one series?");
				}
				duplicates++;
				continue;
			}
			unique.add(h);
		}
		if (duplicates > 0) {
			metadata.put("duplicates", duplicates + " file(s) at the position of another slice with identical pixels, dropped");
		}
		metadata.put("files", String.valueOf(unique.size()));

		int n = unique.size();
		double[] positions = new double[n];
		for (int k = 0; k < n; k++) {
			positions[k] = Geometry.dot(unique.get(k).position(), normal);
		}
		// slices must be stacked along the normal (a tilted gantry gives a sheared grid)
		double[] origin = unique.get(0).position();
		for (int k = 1; k < n; k++) {
			double along = positions[k] - positions[0];
			double[] d = { unique.get(k).position()[0] - origin[0], unique.get(k).position()[1] - origin[1],
					unique.get(k).position()[2] - origin[2] };
			double[] perpendicular = { d[0] - along * normal[0], d[1] - along * normal[1], d[2] - along * normal[2] };
			double off = Math.sqrt(Geometry.dot(perpendicular, perpendicular));
			if (off > 0.01 + 0.01 * Math.abs(along)) {
				throw new DicomException(unique.get(k).file(), String.format(Locale.ROOT,
						"slice is displaced by %.3f mm across the slice normal from %s (gantry tilt of %.1f degrees?): sheared series are not supported",
						off, unique.get(0).file().getFileName(), Math.toDegrees(Math.atan2(off, Math.abs(along)))));
			}
		}

		double spacingZ;
		int nz = n;
		boolean interpolate = false;
		if (n == 1) {
			if (!Double.isFinite(first.sliceThickness())) {
				throw new DicomException(first.file(), "SliceThickness " + first.sliceThickness() + " is not finite: the one slice has no depth");
			}
			spacingZ = first.sliceThickness() > 0 ? first.sliceThickness() : 1;
			metadata.put("slice spacing", "one slice: SliceThickness " + (first.sliceThickness() > 0 ? format(spacingZ) + " mm" : "missing, 1 mm assumed"));
		} else {
			double[] gaps = new double[n - 1];
			for (int k = 0; k < n - 1; k++) {
				gaps[k] = positions[k + 1] - positions[k];
			}
			double[] sortedGaps = gaps.clone();
			Arrays.sort(sortedGaps);
			double median = sortedGaps[(n - 1) / 2];
			int uneven = 0;
			int worst = -1;
			for (int k = 0; k < gaps.length; k++) {
				if (Math.abs(gaps[k] - median) > s.gapTolerance * median) {
					uneven++;
					if (worst < 0 || Math.abs(gaps[k] - median) > Math.abs(gaps[worst] - median)) {
						worst = k;
					}
				}
			}
			spacingZ = median;
			if (uneven > 0) {
				String gap = String.format(Locale.ROOT, "gap of %s mm between %s (at %s mm) and %s (at %s mm), the median gap is %s mm",
						format(gaps[worst]), unique.get(worst).file(), format(positions[worst]), unique.get(worst + 1).file(),
						format(positions[worst + 1]), format(median));
				if (!s.allowUnevenSpacing) {
					throw new DicomException(path, "uneven slice spacing in series " + uid + ": " + gap
							+ (uneven > 1 ? " (" + uneven + " of " + gaps.length + " gaps differ)" : "")
							+ "; missing slices? Set the reader option allowUnevenSpacing=true to interpolate onto a regular grid");
				}
				interpolate = true;
				nz = (int) Math.round((positions[n - 1] - positions[0]) / median) + 1;
				metadata.put("slice spacing", String.format(Locale.ROOT,
						"uneven (%d of %d gaps, largest: %s); %d slices interpolated linearly onto %d of %s mm",
						uneven, gaps.length, gap, n, nz, format(median)));
			} else {
				metadata.put("slice spacing", format(median) + " mm from the positions (SliceThickness "
						+ (first.sliceThickness() > 0 ? format(first.sliceThickness()) + " mm" : "not given") + ")");
			}
		}
		long voxels = (long) first.rows() * first.columns() * nz;
		if (voxels > MAX_VOXELS) {
			throw new DicomException(path, first.columns() + "x" + first.rows() + "x" + nz + " is " + voxels
					+ " voxels, more than a volume may have (" + MAX_VOXELS + ")");
		}
		double[] o = first.orientation();
		double[] direction = { o[0], o[3], normal[0], o[1], o[4], normal[1], o[2], o[5], normal[2] };
		VolumeGeometry geometry = new VolumeGeometry(new int[] { first.columns(), first.rows(), nz },
				new double[] { first.pixelSpacing()[1], first.pixelSpacing()[0], spacingZ }, origin, direction);
		return new Arranged(uid, unique, positions, geometry, interpolate, metadata);
	}

	private static String summaries(Scan scan) {
		List<String> out = new ArrayList<>();
		for (Map.Entry<String, List<SliceHeader>> e : scan.series().entrySet()) {
			SliceHeader h = e.getValue().get(0);
			out.add(new SeriesSummary(e.getKey(), h.seriesDescription(), h.modality(), e.getValue().size(), h.file())
					.toString());
		}
		return String.join("; ", out);
	}

	/** What every slice of a CT volume must have. */
	private static void check(SliceHeader h, DicomSettings s) throws DicomException {
		if (!s.allowNonCt && !h.modality().equals("CT")) {
			throw new DicomException(h.file(), "modality is " + (h.modality().isEmpty() ? "missing" : "'" + h.modality() + "'")
					+ ", expected CT (set the reader option allowNonCt=true to read it anyway, without HU)");
		}
		if (h.transferSyntax().isEmpty()) {
			throw new DicomException(h.file(), "no TransferSyntaxUID in the file meta information: the pixel data cannot be decoded reliably");
		}
		if (!TransferSyntaxes.DECODABLE.contains(h.transferSyntax())) {
			throw new DicomException(h.file(), "transfer syntax " + TransferSyntaxes.describe(h.transferSyntax())
					+ " cannot be decoded by this reader (it decodes " + TransferSyntaxes.decodableList()
					+ "); convert the files first, e.g. with dcmtk's dcmdjpls or gdcmconv --raw");
		}
		if (h.samplesPerPixel() != 1 || !(h.photometric().equals("MONOCHROME2") || h.photometric().equals("MONOCHROME1"))) {
			throw new DicomException(h.file(), "expected a greyscale image (SamplesPerPixel 1, MONOCHROME1/2), got "
					+ h.samplesPerPixel() + " sample(s) per pixel, '" + h.photometric() + "'");
		}
		if (h.frames() != 1) {
			throw new DicomException(h.file(), h.frames() + " frames in one file (enhanced multi-frame CT) are not supported; "
					+ "expected one slice per file");
		}
		if (h.bitsAllocated() != 16 && h.bitsAllocated() != 8) {
			throw new DicomException(h.file(), "BitsAllocated " + h.bitsAllocated() + " is not supported (8 or 16)");
		}
		if (h.bitsStored() < 1 || h.bitsStored() > h.bitsAllocated()) {
			throw new DicomException(h.file(), "BitsStored " + h.bitsStored() + " does not fit BitsAllocated " + h.bitsAllocated());
		}
		if (h.position() == null || h.position().length != 3 || !finite(h.position())) {
			throw new DicomException(h.file(), "ImagePositionPatient is missing, does not have 3 values or is not finite ("
					+ Arrays.toString(h.position()) + "): cannot place the slice");
		}
		if (h.orientation() == null || h.orientation().length != 6 || !finite(h.orientation())) {
			throw new DicomException(h.file(), "ImageOrientationPatient is missing, does not have 6 values or is not finite ("
					+ Arrays.toString(h.orientation()) + "): cannot place the slice");
		}
		double[] o = h.orientation();
		double[] row = { o[0], o[1], o[2] };
		double[] column = { o[3], o[4], o[5] };
		if (Math.abs(Geometry.dot(row, row) - 1) > 1e-3 || Math.abs(Geometry.dot(column, column) - 1) > 1e-3
				|| Math.abs(Geometry.dot(row, column)) > 1e-3) {
			throw new DicomException(h.file(), "ImageOrientationPatient " + Arrays.toString(o)
					+ " is not two orthogonal unit vectors");
		}
		if (h.pixelSpacing() == null || h.pixelSpacing().length != 2 || !(h.pixelSpacing()[0] > 0)
				|| !(h.pixelSpacing()[1] > 0) || !finite(h.pixelSpacing())) {
			throw new DicomException(h.file(), "PixelSpacing is missing or not two positive numbers: "
					+ Arrays.toString(h.pixelSpacing()));
		}
		if (h.slope() == 0 || !Double.isFinite(h.slope()) || !Double.isFinite(h.intercept())) {
			throw new DicomException(h.file(), "RescaleSlope " + h.slope() + " / RescaleIntercept " + h.intercept()
					+ " cannot give HU");
		}
	}

	private static boolean finite(double[] values) {
		for (double v : values) {
			if (!Double.isFinite(v)) {
				return false;
			}
		}
		return true;
	}

	private static short[] decode(Arranged a) throws IOException {
		int plane = a.geometry().size(0) * a.geometry().size(1);
		int nz = a.geometry().size(2);
		short[] out = new short[plane * nz];
		List<SliceHeader> slices = a.slices();
		if (!a.interpolate()) {
			parallel(slices.size(), k -> System.arraycopy(hu(slices.get(k)), 0, out, k * plane, plane));
			return out;
		}
		double spacing = a.geometry().spacing()[2];
		double[] p = a.positions();
		int lower = -1;
		short[] below = null;
		short[] above = null;
		for (int z = 0; z < nz; z++) {
			double target = p[0] + z * spacing;
			int k = 0;
			while (k < p.length - 2 && p[k + 1] <= target) {
				k++;
			}
			if (k != lower) {
				below = k == lower + 1 && above != null ? above : hu(slices.get(k));
				above = hu(slices.get(k + 1));
				lower = k;
			}
			double f = Math.max(0, Math.min(1, (target - p[k]) / (p[k + 1] - p[k])));
			for (int i = 0; i < plane; i++) {
				out[z * plane + i] = (short) Math.round(below[i] + f * (above[i] - below[i]));
			}
		}
		return out;
	}

	/** Decodes one slice to HU (int16, clamped). */
	static short[] hu(SliceHeader h) throws IOException {
		int[] stored = PixelData.read(h);
		short[] out = new short[stored.length];
		for (int i = 0; i < stored.length; i++) {
			double v = Math.rint(stored[i] * h.slope() + h.intercept());
			out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
		}
		return out;
	}

	interface SliceTask {
		void run(int k) throws IOException;
	}

	/** Decodes slices on all cores (JPEG lossless and JPEG 2000 decoding dominate reading). */
	private static void parallel(int n, SliceTask task) throws IOException {
		int threads = Math.min(n, Runtime.getRuntime().availableProcessors());
		if (threads <= 1) {
			for (int k = 0; k < n; k++) {
				task.run(k);
			}
			return;
		}
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int k = 0; k < n; k++) {
				int slice = k;
				futures.add(pool.submit(() -> {
					task.run(slice);
					return null;
				}));
			}
			for (Future<?> f : futures) {
				f.get();
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new java.io.InterruptedIOException("interrupted while decoding slices");
		} catch (ExecutionException e) {
			if (e.getCause() instanceof IOException io) {
				throw io;
			}
			throw new IllegalStateException(e.getCause());
		} finally {
			pool.shutdownNow();
		}
	}

	static String format(double v) {
		return String.format(Locale.ROOT, "%.3f", v);
	}
}
