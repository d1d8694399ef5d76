package org.nodulab.core.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IConfigurationElement;
import org.eclipse.core.runtime.IExtension;
import org.eclipse.core.runtime.IExtensionPoint;
import org.eclipse.core.runtime.IExtensionRegistry;
import org.eclipse.core.runtime.ILog;
import org.eclipse.core.runtime.IRegistryEventListener;

/**
 * Base class of every Nodulab contribution registry.
 *
 * <p>It reads one extension point, validates each contribution's metadata and isolates faults: a
 * malformed or duplicate contribution is logged, recorded in {@link #problems()} and skipped, and the
 * others load. Metadata is read without loading contributed classes; classes are loaded only by
 * {@link #createInstance(String)}, {@link #settingsClass(ContributionDescriptor)} and
 * {@link #defaultSettings(ContributionDescriptor)}, and a class that fails to load is reported with its
 * contribution and bundle and recorded as a problem too. The registry follows bundles being installed
 * and uninstalled at run time.
 *
 * @param <T> the type contributions must implement, or {@link Void} for purely declarative points
 */
public abstract class AbstractContributionRegistry<T> implements ContributionRegistry {

	/** Ids are lower case words joined by dots or dashes: {@code lung-wide}, {@code se-resnet}. */
	public static final Pattern ID_PATTERN = Pattern.compile("[a-z0-9][a-z0-9._-]*");

	private final String kind;
	private final String label;
	private final String extensionPointId;
	private final String elementName;
	private final Class<T> type;
	private final IExtensionRegistry extensionRegistry;
	private final ILog log = ILog.of(AbstractContributionRegistry.class);
	private final List<ContributionProblem> loadProblems = new CopyOnWriteArrayList<>();
	private final IRegistryEventListener listener = new IRegistryEventListener() {
		@Override
		public void added(IExtension[] extensions) {
			invalidate();
		}

		@Override
		public void removed(IExtension[] extensions) {
			invalidate();
		}

		@Override
		public void added(IExtensionPoint[] extensionPoints) {
			invalidate();
		}

		@Override
		public void removed(IExtensionPoint[] extensionPoints) {
			invalidate();
		}
	};

	private volatile Snapshot snapshot;

	private record Snapshot(List<ContributionDescriptor> descriptors, List<ContributionProblem> problems) {
	}

	/**
	 * @param kind short name, e.g. {@code architectures}
	 * @param label human-readable name of the kind
	 * @param extensionPointId fully qualified extension point id
	 * @param elementName the configuration element that describes one contribution
	 * @param type the type implementations must have, or {@code null} for a declarative point
	 * @param extensionRegistry the Equinox extension registry
	 */
	protected AbstractContributionRegistry(String kind, String label, String extensionPointId, String elementName,
			Class<T> type, IExtensionRegistry extensionRegistry) {
		this.kind = kind;
		this.label = label;
		this.extensionPointId = extensionPointId;
		this.elementName = elementName;
		this.type = type;
		this.extensionRegistry = Objects.requireNonNull(extensionRegistry, "extensionRegistry");
		extensionRegistry.addListener(listener, extensionPointId);
	}

	/** Stops following the extension registry; called when the registry service is deactivated. */
	protected void dispose() {
		extensionRegistry.removeListener(listener);
	}

	@Override
	public final String kind() {
		return kind;
	}

	@Override
	public final String label() {
		return label;
	}

	@Override
	public final String extensionPointId() {
		return extensionPointId;
	}

	@Override
	public List<ContributionDescriptor> descriptors() {
		return snapshot().descriptors();
	}

	@Override
	public List<ContributionProblem> problems() {
		List<ContributionProblem> all = new ArrayList<>(snapshot().problems());
		all.addAll(loadProblems);
		return List.copyOf(all);
	}

	/** Forgets what was read; the next call reads the extension point again. */
	public void invalidate() {
		snapshot = null;
		loadProblems.clear();
	}

	private Snapshot snapshot() {
		Snapshot current = snapshot;
		if (current == null) {
			synchronized (this) {
				current = snapshot;
				if (current == null) {
					current = read();
					snapshot = current;
				}
			}
		}
		return current;
	}

	private Snapshot read() {
		Map<String, List<ContributionDescriptor>> byId = new LinkedHashMap<>();
		List<ContributionProblem> problems = new ArrayList<>();
		for (IConfigurationElement element : extensionRegistry.getConfigurationElementsFor(extensionPointId)) {
			String contributor = element.getContributor().getName();
			String id = null;
			try {
				if (!elementName.equals(element.getName())) {
					throw new InvalidContributionException(
							"unexpected element <" + element.getName() + ">, expected <" + elementName + ">");
				}
				Map<String, String> attributes = new LinkedHashMap<>();
				for (String attributeName : element.getAttributeNames()) {
					attributes.put(attributeName, element.getAttribute(attributeName));
				}
				id = attributes.get("id");
				checkCommonAttributes(attributes);
				validate(attributes);
				byId.computeIfAbsent(id, k -> new ArrayList<>()).add(new ContributionDescriptor(kind, element, attributes));
			} catch (InvalidContributionException | RuntimeException e) {
				ContributionProblem problem = new ContributionProblem(kind, contributor, id,
						e instanceof InvalidContributionException ? e.getMessage() : e.toString());
				problems.add(problem);
				log.warn("Skipped " + problem);
			}
		}
		// Duplicate ids: the bundle that declares the extension point keeps its built-ins, otherwise the
		// contributor whose name sorts first wins; either way the outcome does not depend on load order.
		IExtensionPoint point = extensionRegistry.getExtensionPoint(extensionPointId);
		String owner = point == null ? "" : point.getContributor().getName();
		List<ContributionDescriptor> chosen = new ArrayList<>();
		for (List<ContributionDescriptor> candidates : byId.values()) {
			candidates.sort(Comparator.comparing((ContributionDescriptor d) -> !d.contributor().equals(owner))
					.thenComparing(ContributionDescriptor::contributor));
			ContributionDescriptor winner = candidates.get(0);
			chosen.add(winner);
			for (ContributionDescriptor loser : candidates.subList(1, candidates.size())) {
				ContributionProblem problem = new ContributionProblem(kind, loser.contributor(), loser.id(),
						"duplicate id, already contributed by bundle " + winner.contributor());
				problems.add(problem);
				log.warn("Skipped " + problem);
			}
		}
		chosen.sort(Comparator.comparing(ContributionDescriptor::id));
		return new Snapshot(List.copyOf(chosen), List.copyOf(problems));
	}

	private void checkCommonAttributes(Map<String, String> attributes) throws InvalidContributionException {
		String id = attributes.get("id");
		if (id == null || id.isBlank()) {
			throw new InvalidContributionException("missing required attribute 'id'");
		}
		if (!ID_PATTERN.matcher(id).matches()) {
			throw new InvalidContributionException("id '" + id
					+ "' is not allowed: use lower-case letters, digits, '.', '-' and '_', starting with a letter or digit");
		}
		if (attributes.get("name") == null || attributes.get("name").isBlank()) {
			throw new InvalidContributionException("missing required attribute 'name'");
		}
		if (type != null && (attributes.get("class") == null || attributes.get("class").isBlank())) {
			throw new InvalidContributionException("missing required attribute 'class'");
		}
	}

	/**
	 * Checks the attributes specific to this extension point. Throw to skip the contribution.
	 *
	 * @param attributes every attribute of the contribution's element
	 */
	protected void validate(Map<String, String> attributes) throws InvalidContributionException {
		// nothing beyond the common attributes by default
	}

	/**
	 * Instantiates the implementation class of a contribution.
	 *
	 * @throws ContributionException when the id is unknown or the class cannot be loaded, created or
	 *             does not implement the required type
	 */
	public T createInstance(String id) throws ContributionException {
		if (type == null) {
			throw new ContributionException(kind + " are declarative and have no implementation class");
		}
		ContributionDescriptor descriptor = require(id);
		Object created = createExecutable(descriptor, "class");
		if (!type.isInstance(created)) {
			throw recordFailure(descriptor, "class " + descriptor.implementationClass() + " does not implement "
					+ type.getName(), null);
		}
		return type.cast(created);
	}

	@Override
	public Optional<Class<?>> settingsClass(ContributionDescriptor descriptor) throws ContributionException {
		return defaultSettings(descriptor).map(Object::getClass);
	}

	@Override
	public Optional<Object> defaultSettings(ContributionDescriptor descriptor) throws ContributionException {
		if (descriptor.settingsClass() == null || descriptor.settingsClass().isBlank()) {
			return Optional.empty();
		}
		return Optional.of(createExecutable(descriptor, "settings"));
	}

	private Object createExecutable(ContributionDescriptor descriptor, String attribute) throws ContributionException {
		IConfigurationElement element = descriptor.element();
		if (element == null) {
			throw new ContributionException(descriptor + " is not backed by an extension");
		}
		try {
			return element.createExecutableExtension(attribute);
		} catch (CoreException | RuntimeException | LinkageError e) {
			Throwable cause = e instanceof CoreException ce && ce.getStatus().getException() != null
					? ce.getStatus().getException()
					: e;
			throw recordFailure(descriptor,
					"cannot create " + attribute + " class " + descriptor.attribute(attribute) + ": " + cause, e);
		}
	}

	private ContributionException recordFailure(ContributionDescriptor descriptor, String message, Throwable cause) {
		ContributionProblem problem = new ContributionProblem(kind, descriptor.contributor(), descriptor.id(), message);
		if (!loadProblems.contains(problem)) {
			loadProblems.add(problem);
			log.error(problem.toString(), cause);
		}
		return new ContributionException(problem.toString(), cause);
	}

	/** Thrown by {@link #validate(Map)} to skip a malformed contribution. */
	protected static final class InvalidContributionException extends Exception {
		private static final long serialVersionUID = 1L;

		public InvalidContributionException(String message) {
			super(message);
		}
	}
}
