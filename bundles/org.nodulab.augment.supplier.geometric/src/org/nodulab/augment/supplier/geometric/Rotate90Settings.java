package org.nodulab.augment.supplier.geometric;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class Rotate90Settings {

	@JsonPropertyDescription("Axis of the rotations: x, y or z (z: in the axial plane, as the notebook did)")
	public Axis axis = Axis.Z;
}
