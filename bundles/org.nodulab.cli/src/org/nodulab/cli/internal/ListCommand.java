package org.nodulab.cli.internal;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.nodulab.core.registry.ContributionCatalog;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.core.registry.ContributionRegistry;
import org.nodulab.core.settings.SettingsCodec;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nodulab list <kind>}: the contributions to one extension point. */
@Command(name = "list", description = "List the contributions to an extension point (architectures, augmentations, windows, readers, evaluators, combiners, detectors, executors); all of them without an argument.")
public final class ListCommand implements java.util.concurrent.Callable<Integer> {

	private final Services services;

	@Spec
	CommandSpec spec;

	@Parameters(arity = "0..1", paramLabel = "<kind>", description = "Extension point: architectures, augmentations, windows, readers, evaluators, combiners, detectors, executors.")
	String kind;

	@Option(names = { "-v", "--verbose" }, description = "Also print descriptions, attributes and default settings (YAML).")
	boolean verbose;

	public ListCommand(Services services) {
		this.services = services;
	}

	/** The row format of a table of contributions: columns as wide as their longest entry (at least 16, 28, 18). */
	static String columns(List<ContributionDescriptor> descriptors) {
		int id = 16;
		int name = 28;
		int category = 18;
		for (ContributionDescriptor d : descriptors) {
			id = Math.max(id, String.valueOf(d.id()).length());
			name = Math.max(name, String.valueOf(d.name()).length());
			category = Math.max(category, String.valueOf(d.category()).length());
		}
		return "%-" + id + "s %-" + name + "s %-" + category + "s %s%n";
	}

	@Override
	public Integer call() throws ContributionException {
		ContributionCatalog catalog = services.get(ContributionCatalog.class);
		PrintWriter out = spec.commandLine().getOut();
		List<ContributionRegistry> registries = kind == null ? catalog.registries()
				: List.of(catalog.requireRegistry(kind));
		SettingsCodec codec = new SettingsCodec();
		for (ContributionRegistry registry : registries) {
			if (registries.size() > 1) {
				out.println(registry.kind() + ":");
			}
			String row = columns(registry.descriptors());
			for (ContributionDescriptor d : registry.descriptors()) {
				out.printf(Locale.ROOT, row, d.id(), d.name(), d.category(), d.contributor());
				if (verbose) {
					printDetails(out, registry, d, codec);
				}
			}
			registry.problems().forEach(p -> out.println("skipped: " + p));
		}
		return 0;
	}

	private static void printDetails(PrintWriter out, ContributionRegistry registry, ContributionDescriptor d,
			SettingsCodec codec) {
		if (!d.description().isEmpty()) {
			out.println("    " + d.description());
		}
		d.attributes().forEach((k, v) -> {
			if (!List.of("id", "name", "category", "description").contains(k)) {
				out.println("    " + k + ": " + v);
			}
		});
		try {
			Optional<Object> defaults = registry.defaultSettings(d);
			if (defaults.isPresent()) {
				out.println("    default settings:");
				codec.toYaml(defaults.get()).lines().forEach(line -> out.println("      " + line));
			}
		} catch (ContributionException e) {
			out.println("    settings unavailable: " + e.getMessage());
		}
	}
}
