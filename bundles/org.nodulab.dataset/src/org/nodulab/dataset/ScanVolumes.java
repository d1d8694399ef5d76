package org.nodulab.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.nodulab.core.registry.ContributionException;
import org.nodulab.preprocess.PatchSampler;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeGeometry;
import org.nodulab.volume.VolumeReaderRegistry;

/**
 * The volumes of a dataset's scans, opened on demand through the volume readers. Memory-mapped
 * volumes (LUNA16's uncompressed int16 MetaImages) are kept open for good: they cost no heap, the
 * operating system's page cache holds their voxels, so memory stays flat however many scans a run
 * samples. Volumes a reader had to decode onto the heap (compressed or converted data) are kept in a
 * least-recently-used cache bounded in bytes. Geometries come from the headers alone. A pass that visits the scans
 * one after another uses {@link #oneAfterAnother}, which keeps no mapping open.
 */
public final class ScanVolumes {

	/** Pad value outside a scan: air. */
	public static final float PAD_HU = -1000f;

	private final Luna16Dataset dataset;
	private final VolumeReaderRegistry readers;
	private final long heapCacheBytes;
	private final boolean copyMapped;
	private final Map<String, VolumeGeometry> geometries = new ConcurrentHashMap<>();
	private final Map<String, PatchSampler> mapped = new ConcurrentHashMap<>();
	private final LinkedHashMap<String, PatchSampler> onHeap = new LinkedHashMap<>(16, 0.75f, true);
	private long heapBytes;

	/**
	 * @param heapCacheBytes how many bytes of decoded (not memory-mapped) volumes to keep
	 */
	public ScanVolumes(Luna16Dataset dataset, VolumeReaderRegistry readers, long heapCacheBytes) {
		this(dataset, readers, heapCacheBytes, false);
	}

	private ScanVolumes(Luna16Dataset dataset, VolumeReaderRegistry readers, long heapCacheBytes, boolean copyMapped) {
		this.dataset = dataset;
		this.readers = readers;
		this.heapCacheBytes = heapCacheBytes;
		this.copyMapped = copyMapped;
	}

	/**
	 * Volumes for a pass that visits the scans one after another (prediction, screening): memory-mapped volumes are
	 * copied onto the heap and the mapping dropped at once, and at most {@code heapCacheBytes} of volumes are kept, so
	 * the process's memory does not grow with the number of scans (a mapping kept open counts every page read as
	 * resident, 33 MiB a LUNA16 scan). Reading a scan again costs a copy from the page cache (about 10 ms).
	 */
	public static ScanVolumes oneAfterAnother(Luna16Dataset dataset, VolumeReaderRegistry readers, long heapCacheBytes) {
		return new ScanVolumes(dataset, readers, heapCacheBytes, true);
	}

	public ScanVolumes(Luna16Dataset dataset, VolumeReaderRegistry readers) {
		this(dataset, readers, 1L << 30);
	}

	/**
	 * One volume already in memory, outside any dataset (a scan being screened): its sampler is the only one
	 * and {@link #dataset()} is null.
	 */
	public static ScanVolumes of(String uid, Volume volume) {
		ScanVolumes v = new ScanVolumes(null, null, Long.MAX_VALUE, false);
		v.geometries.put(uid, volume.geometry());
		PatchSampler s = new PatchSampler(volume, PAD_HU);
		if (volume.isMapped()) {
			v.mapped.put(uid, s);
		} else {
			v.onHeap.put(uid, s);
		}
		return v;
	}

	public Luna16Dataset dataset() {
		return dataset;
	}

	/** Reads a scan's volume (not cached). */
	public Volume volume(String uid) throws IOException {
		if (dataset == null) {
			throw new IOException("scan " + uid + " is not the volume these samplers were made for");
		}
		Luna16Dataset.Scan scan = dataset.scan(uid)
				.orElseThrow(() -> new DatasetException(dataset.root(), "scan " + uid + " is not on disk"));
		try {
			return readers.read(scan.file());
		} catch (ContributionException e) {
			throw new IOException(scan.file() + ": " + e.getMessage(), e);
		}
	}

	/** Reads any volume file with the installed readers (a lung mask, a converted scan). */
	public Volume volumeAt(java.nio.file.Path file) throws IOException {
		try {
			return readers.read(file);
		} catch (ContributionException e) {
			throw new IOException(file + ": " + e.getMessage(), e);
		}
	}

	/** A scan's geometry, from its header. */
	public VolumeGeometry geometry(String uid) throws IOException {
		VolumeGeometry g = geometries.get(uid);
		if (g == null) {
			if (dataset == null) {
				throw new IOException("scan " + uid + " is not the volume these samplers were made for");
			}
			Luna16Dataset.Scan scan = dataset.scan(uid)
					.orElseThrow(() -> new DatasetException(dataset.root(), "scan " + uid + " is not on disk"));
			try {
				g = readers.geometry(scan.file());
			} catch (ContributionException e) {
				throw new IOException(scan.file() + ": " + e.getMessage(), e);
			}
			geometries.put(uid, g);
		}
		return g;
	}

	/** A patch sampler over a scan (thread-safe; shared by all callers). */
	public PatchSampler sampler(String uid) throws IOException {
		PatchSampler s = mapped.get(uid);
		if (s != null) {
			return s;
		}
		synchronized (onHeap) {
			s = onHeap.get(uid);
			if (s != null) {
				return s;
			}
		}
		Volume v = volume(uid);
		if (copyMapped && v.isMapped()) {
			org.nodulab.core.io.MemoryBudget.require(dataset.scan(uid).orElseThrow().file(), "a copy of the scan's "
					+ v.geometry().voxelCount() + " int16 voxels", org.nodulab.core.io.MemoryBudget.times(v.geometry().voxelCount(), 2));
			v = v.onHeap(); // the mapped buffer is garbage from here; the collector unmaps it
		}
		geometries.putIfAbsent(uid, v.geometry());
		s = new PatchSampler(v, PAD_HU);
		if (v.isMapped()) {
			PatchSampler previous = mapped.putIfAbsent(uid, s);
			return previous != null ? previous : s;
		}
		synchronized (onHeap) {
			if (!onHeap.containsKey(uid)) {
				onHeap.put(uid, s);
				heapBytes += v.geometry().voxelCount() * 2;
				var it = onHeap.entrySet().iterator();
				while (heapBytes > heapCacheBytes && onHeap.size() > 1 && it.hasNext()) {
					var eldest = it.next();
					heapBytes -= eldest.getValue().geometry().voxelCount() * 2;
					it.remove();
				}
			}
			return onHeap.get(uid) != null ? onHeap.get(uid) : s;
		}
	}

	/** Like {@link #sampler} for use in streams: I/O problems as unchecked exceptions. */
	public PatchSampler samplerUnchecked(String uid) {
		try {
			return sampler(uid);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** How many rows of a candidate table lie outside their scan's volume (their patches are padded). */
	public int outside(CandidateTable table) throws IOException {
		int n = 0;
		for (String uid : table.scans()) {
			if (dataset.scan(uid).isEmpty()) {
				continue;
			}
			VolumeGeometry g = geometry(uid);
			for (int row : table.rowsOf(uid)) {
				if (!g.contains(g.worldToVoxel(table.position(row)))) {
					n++;
				}
			}
		}
		return n;
	}
}
