package org.nodulab.ui.internal;

import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.PaletteData;
import org.eclipse.swt.graphics.RGB;

/** SWT image data of 8-bit grey pixels (from {@link org.nodulab.volume.Slices}). */
final class GreyImages {

	private static final PaletteData GREY;
	static {
		RGB[] rgb = new RGB[256];
		for (int i = 0; i < 256; i++) {
			rgb[i] = new RGB(i, i, i);
		}
		GREY = new PaletteData(rgb);
	}

	private GreyImages() {
	}

	static ImageData of(byte[] pixels, int width, int height) {
		ImageData data = new ImageData(width, height, 8, GREY);
		for (int y = 0; y < height; y++) {
			data.setPixels(0, y, width, pixels, y * width);
		}
		return data;
	}
}
