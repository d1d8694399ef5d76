package org.nodulab.ui.internal;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.jface.layout.TreeColumnLayout;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.ColumnWeightData;
import org.eclipse.jface.viewers.ITreeContentProvider;
import org.eclipse.jface.viewers.TreeViewer;
import org.eclipse.jface.viewers.TreeViewerColumn;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
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

		Composite holder = new Composite(parent, SWT.NONE);
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
		refresh();
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
		viewer.setInput(catalog);
		viewer.expandAll();
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
		if (catalogTracker != null) {
			catalogTracker.close();
		}
		super.dispose();
	}
}
