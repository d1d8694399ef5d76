package org.nodulab.nn.tests;

import org.nodulab.core.settings.Range;

public class ValidConvSettings {
	@Range(min = 1, max = 64)
	public int size = 8;

	@Range(min = 1, max = 9)
	public int kernel = 3;
}
