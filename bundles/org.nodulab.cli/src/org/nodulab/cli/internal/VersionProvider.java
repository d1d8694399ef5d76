package org.nodulab.cli.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

import picocli.CommandLine.IVersionProvider;

/** {@code nodulab --version}: the version of the command-line bundle and of Java. */
public final class VersionProvider implements IVersionProvider {

	@Override
	public String[] getVersion() {
		return new String[] { "Nodulab " + version(), "Java " + System.getProperty("java.version") + " ("
				+ System.getProperty("java.vendor") + ")" };
	}

	static String version() {
		Bundle bundle = FrameworkUtil.getBundle(VersionProvider.class);
		return bundle == null ? "(not running in OSGi)" : bundle.getVersion().toString();
	}
}
