package org.nodulab.augment.supplier.geometric;

/** A world axis. */
public enum Axis {
	X, Y, Z;

	int index() {
		return ordinal();
	}
}
