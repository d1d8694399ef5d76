package org.nodulab.dataset;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.nodulab.luna16.Annotation;
import org.nodulab.preprocess.LungMask;
import org.nodulab.preprocess.LungSegmentation;
import org.nodulab.volume.Volume;

/**
 * Drops the candidates that lie outside the dilated lung mask of their scan, and counts what that
 * costs: the annotated nodules outside the mask, which no kept candidate can find any more. The mask
 * is the dataset's own ({@code seg-lungs-LUNA16/}) when asked and present, else computed by
 * {@link LungSegmentation}. Rows of scans that are not on disk are kept unfiltered.
 */
public final class LungFilter {

	/** What the filter kept and what it would lose. */
	public record Result(int[] keptRows, int dropped, int scans, int unfilteredRows, List<Annotation> nodulesLost,
			int nodules) {

		public int kept() {
			return keptRows.length;
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"lung filter over %d scans: kept %d candidates, dropped %d; %d of %d annotated nodules lie outside the mask and would be lost%s",
					scans, kept(), dropped, nodulesLost.size(), nodules,
					unfilteredRows > 0 ? "; " + unfilteredRows + " rows of scans not on disk kept unfiltered" : "");
		}
	}

	private LungFilter() {
	}

	/**
	 * @param dilationMm growth of the mask before filtering
	 * @param datasetMasks use the dataset's lung masks where it has them
	 */
	public static Result apply(ScanVolumes volumes, CandidateTable table, double dilationMm, boolean datasetMasks,
			LungSegmentation.Settings segmentation) throws IOException {
		Luna16Dataset dataset = volumes.dataset();
		List<Integer> kept = new ArrayList<>();
		List<Annotation> lost = new ArrayList<>();
		int dropped = 0;
		int scans = 0;
		int unfiltered = 0;
		int nodules = 0;
		for (String uid : table.scans()) {
			int[] rows = table.rowsOf(uid);
			if (dataset.scan(uid).isEmpty()) {
				unfiltered += rows.length;
				for (int r : rows) {
					kept.add(r);
				}
				continue;
			}
			scans++;
			LungMask mask = mask(volumes, uid, datasetMasks, segmentation).dilated(dilationMm);
			for (int r : rows) {
				if (mask.contains(table.position(r))) {
					kept.add(r);
				} else {
					dropped++;
				}
			}
			for (Annotation a : dataset.annotationsOf(uid)) {
				nodules++;
				if (!mask.contains(new double[] { a.x(), a.y(), a.z() })) {
					lost.add(a);
				}
			}
		}
		return new Result(kept.stream().sorted().mapToInt(Integer::intValue).toArray(), dropped, scans, unfiltered,
				List.copyOf(lost), nodules);
	}

	static LungMask mask(ScanVolumes volumes, String uid, boolean datasetMasks, LungSegmentation.Settings segmentation)
			throws IOException {
		Volume volume = volumes.volume(uid);
		if (datasetMasks && volumes.dataset().lungMask(uid).isPresent()) {
			Volume labels = volumes.volumeAt(volumes.dataset().lungMask(uid).get());
			if (!java.util.Arrays.equals(labels.geometry().size(), volume.geometry().size())) {
				throw new DatasetException(volumes.dataset().lungMask(uid).get(), "lung mask of size "
						+ java.util.Arrays.toString(labels.geometry().size()) + " for a scan of size "
						+ java.util.Arrays.toString(volume.geometry().size()));
			}
			byte[] mask = new byte[(int) labels.geometry().voxelCount()];
			for (int i = 0; i < mask.length; i++) {
				mask[i] = labels.get(i) != 0 ? (byte) 1 : 0;
			}
			return new LungMask(volume.geometry(), mask);
		}
		return LungSegmentation.segment(volume, segmentation).mask();
	}
}
