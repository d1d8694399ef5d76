package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nodulab.core.registry.ContributionCatalog;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionProblem;
import org.nodulab.core.registry.ContributionRegistry;
import org.nodulab.nn.BackendException;
import org.nodulab.nn.ComputeBackend;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab info}: versions, compute backends and devices, installed contributions. */
@Command(name = "info", description = "Versions, compute backends and their devices, and every installed contribution.")
public final class InfoCommand implements Runnable {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Option(names = "--no-backends", description = "Do not start the compute backends (faster; no device list).")
	boolean noBackends;

	public InfoCommand(Services services) {
		this.services = services;
	}

	@Override
	public void run() {
		PrintWriter out = spec.commandLine().getOut();
		out.println("Nodulab " + VersionProvider.version());
		out.println("  java      " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor")
				+ ") at " + System.getProperty("java.home"));
		out.println("  os        " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
				+ System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores");
		out.println("  heap      max " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
		Bundle framework = FrameworkUtil.getBundle(InfoCommand.class).getBundleContext().getBundle(0);
		out.println("  osgi      " + framework.getSymbolicName() + " " + framework.getVersion());
		out.println("  config    " + System.getProperty("osgi.configuration.area") + " ("
				+ (org.nodulab.core.dropins.Dropins.hasWorkbench(framework.getBundleContext())
						? "every bundle of the product" : "headless: the product without its workbench bundles")
				+ ", " + framework.getBundleContext().getBundles().length + " bundles)");
		java.nio.file.Path dropins = org.nodulab.core.dropins.Dropins.folder();
		if (dropins != null) {
			List<String> bundles = java.util.Arrays.stream(framework.getBundleContext().getBundles())
					.filter(b -> b.getLocation().startsWith("reference:" + dropins.toUri()))
					.map(b -> b.getSymbolicName() + " " + b.getVersion()).toList();
			out.println("  dropins   " + dropins + (bundles.isEmpty() ? " (none)" : ": " + String.join(", ", bundles)));
		}
		out.println();

		out.println("Compute backends");
		List<ComputeBackend> backends = services.all(ComputeBackend.class);
		for (ComputeBackend backend : backends) {
			out.println("  " + backend.id() + ": " + backend.name());
			if (noBackends) {
				continue;
			}
			try {
				for (Map.Entry<String, String> fact : backend.describe().entrySet()) {
					out.printf(Locale.ROOT, "    %-24s %s%n", fact.getKey(), fact.getValue());
				}
				out.printf(Locale.ROOT, "    %-24s %s%n", "devices", String.join(", ", backend.devices()));
			} catch (BackendException e) {
				out.println("    unavailable: " + e.getMessage());
			}
		}
		out.println();

		ContributionCatalog catalog = services.get(ContributionCatalog.class);
		out.println("Contributions");
		for (ContributionRegistry registry : catalog.registries()) {
			List<ContributionDescriptor> descriptors = registry.descriptors();
			out.printf(Locale.ROOT, "  %s (%s, %s): %d%n", registry.kind(), registry.label(),
					registry.extensionPointId(), descriptors.size());
			String row = ListCommand.columns(descriptors);
			for (ContributionDescriptor d : descriptors) {
				out.printf(Locale.ROOT, "    " + row, d.id(), d.name(), d.category(), d.contributor());
			}
		}
		List<ContributionProblem> problems = catalog.registries().stream().flatMap(r -> r.problems().stream())
				.toList();
		if (!problems.isEmpty()) {
			out.println();
			out.println("Skipped contributions");
			problems.forEach(p -> out.println("  " + p));
		}
	}
}
