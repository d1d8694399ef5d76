package org.nodulab.luna16;

/**
 * A scored candidate: scan, world position (mm), the model's probability that it is a nodule, and its
 * label when known (1 nodule, 0 not, -1 unknown).
 */
public record Prediction(String seriesuid, double x, double y, double z, double probability, int label) {

	public static final int UNKNOWN = -1;
}
