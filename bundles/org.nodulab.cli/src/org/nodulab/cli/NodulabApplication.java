package org.nodulab.cli;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.nodulab.cli.internal.NodulabCommand;
import org.nodulab.core.dropins.Dropins;
import org.nodulab.cli.internal.Services;
import org.osgi.framework.FrameworkUtil;

/**
 * The {@code org.nodulab.cli.app} Equinox application: parses the command line with picocli and runs
 * the subcommand; its return value is the process exit code.
 */
public class NodulabApplication implements IApplication {

	@Override
	public Object start(IApplicationContext context) {
		String[] args = (String[]) context.getArguments().get(IApplicationContext.APPLICATION_ARGS);
		context.applicationRunning();
		org.osgi.framework.BundleContext bundleContext = FrameworkUtil.getBundle(getClass()).getBundleContext();
		// a lab member's bundles in dropins/, installed before any command runs (nodulab info lists them)
		Dropins.synchronize(bundleContext).problems().forEach(p -> System.err.println("nodulab: drop-in " + p));
		try (Services services = new Services(bundleContext)) {
			int code = NodulabCommand.run(services, args == null ? new String[0] : args, System.out, System.err);
			System.out.flush();
			System.err.flush();
			return Integer.valueOf(code);
		}
	}

	@Override
	public void stop() {
		// commands stop at their next check of Thread.interrupted()
	}
}
