package org.nodulab.ui.internal;

import org.eclipse.core.runtime.IExtension;
import org.eclipse.core.runtime.IExtensionPoint;
import org.eclipse.core.runtime.IRegistryEventListener;
import org.eclipse.core.runtime.RegistryFactory;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.nodulab.core.settings.SettingsSchema;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.jface.layout.TreeColumnLayout;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.ColumnWeightData;
import org.eclipse.jface.viewers.ITreeContentProvider;
import org.eclipse.jface.viewers.TreeViewer;
import org.eclipse.jface.viewers.TreeViewerColumn;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.part.ViewPart;
import org.nodulab.core.registry.ContributionCatalog;
import org.nodulab.core.registry.ContributionDescriptor;
import org.nodulab.core.registry.ContributionProblem;
import org.nodulab.core.registry.ContributionRegistry;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Every contribution from the extension registry, grouped by extension point: name, id, category and
 * contributing bundle; skipped contributions are listed under their point with the reason.
 */
public class ContributionsView extends ViewPart {

	public static final String ID = "org.nodulab.ui.views.contributions";

	private ServiceTracker<ContributionCatalog, ContributionCatalog> catalogTracker;
	private TreeViewer viewer;

	/** A row for a skipped contribution. */
	record Skipped(ContributionProblem problem) {
	}

	@Override
	public void createPartControl(Composite parent) {
		catalogTracker = new ServiceTracker<>(FrameworkUtil.getBundle(getClass()).getBundleContext(),
				ContributionCatalog.class, null);
		catalogTracker.open();

		SashForm sash = new SashForm(parent, SWT.VERTICAL);
		Composite holder = new Composite(sash, SWT.NONE);
		TreeColumnLayout columns = new TreeColumnLayout();
		holder.setLayout(columns);
		viewer = new TreeViewer(holder, SWT.BORDER | SWT.FULL_SELECTION | SWT.V_SCROLL | SWT.H_SCROLL);
		viewer.getTree().setHeaderVisible(true);
		viewer.getTree().setLinesVisible(true);
		column(columns, "Name", 30, new ColumnLabelProvider() {
			@Override
			public String getText(Object element) {
				if (element instanceof ContributionRegistry r) {
					return r.label() + " (" + r.descriptors().size() + ")";
				}
				if (element instanceof ContributionDescriptor d) {
					return d.name();
				}
				return element instanceof Skipped s ? "skipped: " + (s.problem().id() == null ? "?" : s.problem().id()) : "";
			}
		});
		column(columns, "Id", 15, text(r -> r.kind(), ContributionDescriptor::id, s -> ""));
		column(columns, "Category", 15, text(r -> "", ContributionDescriptor::category, s -> ""));
		column(columns, "Bundle", 25, text(r -> r.extensionPointId(), ContributionDescriptor::contributor,
				s -> s.problem().contributor()));
		column(columns, "Description", 45, text(r -> "", ContributionDescriptor::description, s -> s.problem().message()));
		viewer.setContentProvider(new ITreeContentProvider() {
			@Override
			public Object[] getElements(Object input) {
				return input instanceof ContributionCatalog c ? c.registries().toArray() : new Object[0];
			}

			@Override
			public Object[] getChildren(Object parent) {
				if (parent instanceof ContributionRegistry r) {
					List<Object> children = new ArrayList<>(r.descriptors());
					r.problems().forEach(p -> children.add(new Skipped(p)));
					return children.toArray();
				}
				return new Object[0];
			}

			@Override
			public Object getParent(Object element) {
				return null;
			}

			@Override
			public boolean hasChildren(Object element) {
				return element instanceof ContributionRegistry r && (!r.descriptors().isEmpty() || !r.problems().isEmpty());
			}
		});
		getSite().setSelectionProvider(viewer);
		createDetails(sash);
		sash.setWeights(60, 40);
		viewer.addSelectionChangedListener(e -> showDetails());
		RegistryFactory.getRegistry().addListener(registryListener);
		refresh();
	}

	private Label detailsTitle;
	private Label detailsText;
	private Table settingsTable;
	private Button newExperiment;
	private final IRegistryEventListener registryListener = new IRegistryEventListener() {
		@Override
		public void added(IExtension[] extensions) {
			later();
		}

		@Override
		public void removed(IExtension[] extensions) {
			later();
		}

		@Override
		public void added(IExtensionPoint[] points) {
			later();
		}

		@Override
		public void removed(IExtensionPoint[] points) {
			later();
		}

		private void later() {
			org.eclipse.swt.widgets.Display display = viewer.getControl().getDisplay();
			// the registries follow the same events; read them after they have
			display.asyncExec(() -> display.timerExec(300, () -> {
				if (!viewer.getControl().isDisposed()) {
					refresh();
				}
			}));
		}
	};

	private void createDetails(Composite parent) {
		Composite details = new Composite(parent, SWT.NONE);
		GridLayoutFactory.fillDefaults().numColumns(2).margins(6, 4).applyTo(details);
		detailsTitle = new Label(details, SWT.NONE);
		detailsTitle.setFont(org.eclipse.jface.resource.JFaceResources.getBannerFont());
		GridDataFactory.fillDefaults().grab(true, false).applyTo(detailsTitle);
		newExperiment = new Button(details, SWT.PUSH);
		newExperiment.setText("New experiment from this...");
		newExperiment.setToolTipText("Write a new experiment built around this contribution and open it in the editor");
		newExperiment.addListener(SWT.Selection, e -> newExperimentFromSelection(null));
		detailsText = new Label(details, SWT.WRAP);
		GridDataFactory.fillDefaults().grab(true, false).span(2, 1).hint(300, SWT.DEFAULT).applyTo(detailsText);
		settingsTable = new Table(details, SWT.BORDER | SWT.FULL_SELECTION);
		settingsTable.setHeaderVisible(true);
		settingsTable.setLinesVisible(true);
		GridDataFactory.fillDefaults().grab(true, true).span(2, 1).applyTo(settingsTable);
		for (String[] c : new String[][] { { "Setting", "140" }, { "Kind", "80" }, { "Default", "140" }, { "Bounds", "110" },
				{ "Description", "520" } }) {
			TableColumn column = new TableColumn(settingsTable, SWT.LEFT);
			column.setText(c[0]);
			column.setWidth(Integer.parseInt(c[1]));
		}
		showDetails();
	}

	/** The selected contribution with its registry, if a contribution is selected. */
	private ContributionDescriptor selectedDescriptor() {
		Object o = ((IStructuredSelection) viewer.getSelection()).getFirstElement();
		return o instanceof ContributionDescriptor d ? d : null;
	}

	private ContributionRegistry registryOf(ContributionDescriptor d) {
		ContributionCatalog catalog = catalogTracker.getService();
		if (catalog == null || d == null) {
			return null;
		}
		return catalog.registries().stream().filter(r -> r.descriptors().contains(d)).findFirst().orElse(null);
	}

	private void showDetails() {
		settingsTable.removeAll();
		ContributionDescriptor d = selectedDescriptor();
		ContributionRegistry r = registryOf(d);
		if (d == null || r == null) {
			detailsTitle.setText("Select a contribution");
			detailsText.setText("Its description and settings appear here.");
			newExperiment.setEnabled(false);
			detailsTitle.getParent().layout(true, true);
			return;
		}
		detailsTitle.setText(d.name() + " (" + r.singular() + " '" + d.id() + "')");
		StringBuilder text = new StringBuilder(d.description());
		text.append("\nFrom bundle ").append(d.contributor()).append(d.category().isEmpty() ? "" : ", category " + d.category());
		d.attributes().forEach((k, v) -> {
			if (!java.util.Set.of("id", "name", "description", "category", "class", "settings").contains(k)) {
				text.append("; ").append(k).append(": ").append(v);
			}
		});
		try {
			java.util.Optional<Class<?>> settings = r.settingsClass(d);
			if (settings.isEmpty()) {
				text.append("\nNo settings.");
			}
			settings.ifPresent(type -> {
				org.nodulab.core.settings.SettingsCodec codec = WorkbenchServices.of(getSite()).get(org.nodulab.core.experiment.ExperimentValidator.class).codec();
				for (SettingsSchema.Key k : SettingsSchema.keys(type, codec)) {
					new TableItem(settingsTable, SWT.NONE).setText(new String[] { k.name(), k.kind().name().toLowerCase(java.util.Locale.ROOT),
							k.defaultValue().isMissingNode() || k.defaultValue().isNull() ? "" : ExperimentForm.display(k.defaultValue()), k.bounds(),
							k.description() });
				}
			});
		} catch (Exception e) {
			text.append("\nSettings unavailable: ").append(e.getMessage());
		}
		detailsText.setText(text.toString());
		newExperiment.setEnabled(org.nodulab.train.ExperimentTemplates.KINDS.contains(r.kind()));
		detailsTitle.getParent().layout(true, true);
	}

	/** The settings table of the selected contribution (for tests): setting, kind, default, bounds, description. */
	public List<String[]> settingsRows() {
		return java.util.Arrays.stream(settingsTable.getItems())
				.map(i -> new String[] { i.getText(0), i.getText(1), i.getText(2), i.getText(3), i.getText(4) }).toList();
	}

	/** Selects a contribution by kind and id (for tests and links). */
	public boolean select(String kind, String id) {
		ContributionCatalog catalog = catalogTracker.getService();
		if (catalog == null) {
			return false;
		}
		java.util.Optional<ContributionDescriptor> d = catalog.registry(kind).flatMap(r -> r.find(id));
		d.ifPresent(x -> viewer.setSelection(new org.eclipse.jface.viewers.StructuredSelection(x), true));
		return d.isPresent();
	}

	/**
	 * Writes a new experiment built around the selected contribution and opens it in the editor.
	 *
	 * @param target the file, or null to ask
	 * @return the editor, or null when nothing was written
	 */
	public ExperimentEditor newExperimentFromSelection(java.nio.file.Path target) {
		ContributionDescriptor d = selectedDescriptor();
		ContributionRegistry r = registryOf(d);
		if (d == null || r == null) {
			return null;
		}
		java.nio.file.Path file = target;
		if (file == null) {
			org.eclipse.swt.widgets.FileDialog dialog = new org.eclipse.swt.widgets.FileDialog(getSite().getShell(), SWT.SAVE);
			dialog.setFilterExtensions(new String[] { "*.yaml" });
			dialog.setFileName(d.id() + "-experiment.yaml");
			String chosen = dialog.open();
			if (chosen == null) {
				return null;
			}
			file = java.nio.file.Path.of(chosen);
		}
		try {
			org.nodulab.core.experiment.ExperimentValidator validator = WorkbenchServices.of(getSite()).get(org.nodulab.core.experiment.ExperimentValidator.class);
			String dataset = System.getProperty("nodulab.dataset", "data/synthetic");
			var tree = org.nodulab.train.ExperimentTemplates.from(catalogTracker.getService(), validator.codec(), r.kind(), d.id(), dataset);
			org.nodulab.core.io.AtomicFiles.create(file, validator.codec().toYaml(tree));
			return OpenExperiment.open(getSite().getPage(), file);
		} catch (Exception e) {
			org.eclipse.jface.dialogs.MessageDialog.openError(getSite().getShell(), "New experiment", e.getMessage());
			return null;
		}
	}

	/** Reads the registries again (after bundles were installed or removed). */
	public void refresh() {
		ContributionCatalog catalog = catalogTracker.getService();
		if (catalog == null) {
			try {
				catalog = catalogTracker.waitForService(5000);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
		Object keep = viewer.getSelection();
		viewer.setInput(catalog);
		viewer.expandAll();
		viewer.setSelection((org.eclipse.jface.viewers.ISelection) keep);
	}

	/** The tree, for tests. */
	public TreeViewer viewer() {
		return viewer;
	}

	private void column(TreeColumnLayout layout, String title, int weight, ColumnLabelProvider provider) {
		TreeViewerColumn column = new TreeViewerColumn(viewer, SWT.LEFT);
		column.getColumn().setText(title);
		column.setLabelProvider(provider);
		layout.setColumnData(column.getColumn(), new ColumnWeightData(weight, 60, true));
	}

	private static ColumnLabelProvider text(java.util.function.Function<ContributionRegistry, String> registry,
			java.util.function.Function<ContributionDescriptor, String> descriptor,
			java.util.function.Function<Skipped, String> skipped) {
		return new ColumnLabelProvider() {
			@Override
			public String getText(Object element) {
				if (element instanceof ContributionRegistry r) {
					return registry.apply(r);
				}
				if (element instanceof ContributionDescriptor d) {
					return descriptor.apply(d);
				}
				return element instanceof Skipped s ? skipped.apply(s) : "";
			}
		};
	}

	@Override
	public void setFocus() {
		viewer.getControl().setFocus();
	}

	@Override
	public void dispose() {
		RegistryFactory.getRegistry().removeListener(registryListener);
		if (catalogTracker != null) {
			catalogTracker.close();
		}
		super.dispose();
	}
}
