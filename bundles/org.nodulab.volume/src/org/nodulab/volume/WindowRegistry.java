package org.nodulab.volume;

import java.util.Map;

import org.eclipse.core.runtime.IExtensionRegistry;
import org.nodulab.core.registry.AbstractContributionRegistry;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.core.registry.ContributionRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The HU windows contributed to {@code org.nodulab.volume.windows}: purely declarative, either
 * {@code min}/{@code max} or {@code level}/{@code width} in HU.
 */
@Component(service = { WindowRegistry.class, ContributionRegistry.class })
public class WindowRegistry extends AbstractContributionRegistry<Void> {

	public static final String EXTENSION_POINT = "org.nodulab.volume.windows";

	@Activate
	public WindowRegistry(@Reference IExtensionRegistry registry) {
		super("windows", "HU windows", EXTENSION_POINT, "window", null, registry);
	}

	@Deactivate
	void deactivate() {
		dispose();
	}

	@Override
	protected void validate(Map<String, String> attributes) throws InvalidContributionException {
		toWindow(attributes);
	}

	/** The window with this id. */
	public HuWindow window(String id) throws ContributionException {
		ContributionDescriptor descriptor = require(id);
		try {
			return toWindow(descriptor.attributes());
		} catch (InvalidContributionException e) {
			throw new ContributionException(descriptor + ": " + e.getMessage());
		}
	}

	private static HuWindow toWindow(Map<String, String> a) throws InvalidContributionException {
		String id = a.get("id");
		boolean minMax = a.get("min") != null || a.get("max") != null;
		boolean levelWidth = a.get("level") != null || a.get("width") != null;
		if (minMax == levelWidth) {
			throw new InvalidContributionException("give either min and max, or level and width (HU)");
		}
		try {
			if (minMax) {
				return new HuWindow(id, number(a, "min"), number(a, "max"));
			}
			double width = number(a, "width");
			if (width <= 0) {
				throw new InvalidContributionException("width must be positive, got " + width);
			}
			return HuWindow.ofLevelWidth(id, number(a, "level"), width);
		} catch (IllegalArgumentException e) {
			throw new InvalidContributionException(e.getMessage());
		}
	}

	private static double number(Map<String, String> a, String key) throws InvalidContributionException {
		String value = a.get(key);
		if (value == null) {
			throw new InvalidContributionException("missing attribute '" + key + "'");
		}
		try {
			return Double.parseDouble(value.trim());
		} catch (NumberFormatException e) {
			throw new InvalidContributionException("attribute '" + key + "' must be a number of HU, got '" + value + "'");
		}
	}
}
