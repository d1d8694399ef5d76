package org.nodulab.ui.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.TableColumnLayout;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.jface.viewers.Viewer;
import org.eclipse.jface.viewers.ViewerComparator;
import org.eclipse.jface.viewers.ViewerFilter;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.part.ViewPart;
import org.nodulab.jobs.JobQueue;
import org.nodulab.jobs.JobRecord;
import org.nodulab.train.RunCatalog;
import org.nodulab.train.RunDirectory;

/**
 * The run history of the runs folders a lab member looks at (chosen ones, {@code runs/} of the folder the
 * workbench started in, {@code -Dnodulab.runs}, and those of the jobs this workbench ran): name, date, status, architectures, key settings, best CPMs. Sort by any column, filter
 * by text; open a run's report, its FROC curves, its training curves or its error gallery; compare two or
 * more runs.
 */
public class RunsView extends ViewPart {

	public static final String ID = "org.nodulab.ui.views.runs";
	private static final String PREF_FOLDERS = "runFolders";

	private TableViewer viewer;
	private Text filter;
	private final Set<Path> folders = new LinkedHashSet<>();
	private int sortColumn = 1;
	private boolean descending = true;
	private JobQueue queue;
	private final JobQueue.Listener listener = new JobQueue.Listener() {
		@Override
		public void changed(JobRecord job) {
			if (job.runDir() != null) {
				Path parent = Path.of(job.runDir()).getParent();
				viewer.getControl().getDisplay().asyncExec(() -> {
					if (!viewer.getControl().isDisposed()) {
						if (parent != null && !org.nodulab.train.CrossValidation.isCrossValidation(parent)) {
							folders.add(parent);
						}
						refresh();
					}
				});
			}
		}
	};

	@Override
	public void createPartControl(Composite parent) {
		Composite top = new Composite(parent, SWT.NONE);
		top.setLayout(new GridLayout(2, false));
		new Label(top, SWT.NONE).setText("Filter:");
		filter = new Text(top, SWT.BORDER | SWT.SEARCH);
		filter.setMessage("name, architecture, augmentation, status...");
		GridDataFactory.fillDefaults().grab(true, false).applyTo(filter);
		Composite holder = new Composite(top, SWT.NONE);
		GridDataFactory.fillDefaults().grab(true, true).span(2, 1).applyTo(holder);
		TableColumnLayout layout = new TableColumnLayout();
		holder.setLayout(layout);
		viewer = new TableViewer(holder, SWT.BORDER | SWT.FULL_SELECTION | SWT.MULTI);
		viewer.getTable().setHeaderVisible(true);
		viewer.getTable().setLinesVisible(true);
		List<Function<RunCatalog.Entry, Comparable<?>>> keys = new ArrayList<>();
		column(layout, keys, "Run", 22, RunCatalog.Entry::name, RunCatalog.Entry::name);
		column(layout, keys, "Date", 14, e -> e.created().length() >= 16 ? e.created().substring(0, 16).replace('T', ' ') : e.created(),
				RunCatalog.Entry::created);
		column(layout, keys, "Status", 8, e -> e.isDamaged() ? "damaged: " + e.problem() : e.status(), RunCatalog.Entry::status);
		column(layout, keys, "Architectures", 14, e -> String.join(", ", e.architectures()), e -> String.join(",", e.architectures()));
		column(layout, keys, "Epochs", 5, e -> Integer.toString(e.epochs()), RunCatalog.Entry::epochs);
		column(layout, keys, "LR", 6, e -> fmt(e.learningRate(), "%.4g"), RunCatalog.Entry::learningRate);
		column(layout, keys, "Batch", 5, e -> Integer.toString(e.batchSize()), RunCatalog.Entry::batchSize);
		column(layout, keys, "Augmentations", 16, e -> String.join(", ", e.augmentations()), e -> String.join(",", e.augmentations()));
		column(layout, keys, "Best val. CPM", 7, e -> fmt(e.bestValidationCpm(), "%.4f"), e -> nanLow(e.bestValidationCpm()));
		column(layout, keys, "CPM", 7, e -> fmt(e.cpm(), "%.4f"), e -> nanLow(e.cpm()));
		viewer.setContentProvider(ArrayContentProvider.getInstance());
		viewer.setComparator(new ViewerComparator() {
			@Override
			@SuppressWarnings({ "unchecked", "rawtypes" })
			public int compare(Viewer v, Object a, Object b) {
				Comparable ka = keys.get(sortColumn).apply((RunCatalog.Entry) a);
				Comparable kb = keys.get(sortColumn).apply((RunCatalog.Entry) b);
				int c = ka.compareTo(kb);
				return descending ? -c : c;
			}
		});
		viewer.addFilter(new ViewerFilter() {
			@Override
			public boolean select(Viewer v, Object parentElement, Object element) {
				String f = filter.getText().strip().toLowerCase(Locale.ROOT);
				if (f.isEmpty()) {
					return true;
				}
				RunCatalog.Entry e = (RunCatalog.Entry) element;
				String all = (e.name() + " " + e.status() + " " + e.architectures() + " " + e.augmentations() + " " + e.dir())
						.toLowerCase(Locale.ROOT);
				return all.contains(f);
			}
		});
		filter.addModifyListener(e -> viewer.refresh());
		viewer.addDoubleClickListener(e -> openFroc());
		getSite().setSelectionProvider(viewer);

		IToolBarManager toolbar = getViewSite().getActionBars().getToolBarManager();
		toolbar.add(ViewActions.action("Folder...", "Add a runs folder", this::chooseFolder));
		toolbar.add(ViewActions.action("Refresh", "Read the runs folders again", this::refresh));
		toolbar.add(ViewActions.action("Report", "Open the selected runs' report.html", this::openReport));
		toolbar.add(ViewActions.action("Compare", "Settings that differ and metric deltas of the selected runs (first selected = A)", this::compare));
		toolbar.add(ViewActions.action("FROC", "FROC curves of the selected runs", this::openFroc));
		toolbar.add(ViewActions.action("Training", "Loss and CPM per epoch of the selected run", this::openTraining));
		toolbar.add(ViewActions.action("Errors", "The selected run's worst positives and negatives", this::openErrors));
		toolbar.add(ViewActions.action("Resume", "Queue jobs that continue the selected interrupted runs from their last checkpoint", this::resume));
		toolbar.add(ViewActions.action("Predict...", "Score a candidates file with the selected run's models", () -> work("Predict")));
		toolbar.add(ViewActions.action("Ensemble...", "Combine the selected runs' models (mean, weighted with a search on validation predictions, max) or merge folds", () -> work("Ensemble")));
		toolbar.add(ViewActions.action("Evaluate...", "The official FROC of a submission file (the selected run's by default)", () -> work("Evaluate")));
		toolbar.add(ViewActions.action("Screen...", "Screen a new scan (a DICOM series) with the selected runs' models: findings report", () -> work("Screen")));
		toolbar.add(ViewActions.action("Export Model...", "Write one of the selected run's models as an ONNX file (preprocessing and provenance inside)", () -> work("Export Model")));
		toolbar.add(ViewActions.action("Delete Model...", "Delete one checkpoint of the selected run, with a recorded reason", () -> work("Delete Model")));
		MenuManager menu = new MenuManager();
		menu.add(ViewActions.action("Open FROC", null, this::openFroc));
		menu.add(ViewActions.action("Open training curves", null, this::openTraining));
		menu.add(ViewActions.action("Open error gallery", null, this::openErrors));
		menu.add(ViewActions.action("Compare", null, this::compare));
		menu.add(ViewActions.action("Open report", null, this::openReport));
		menu.add(ViewActions.action("Resume", null, this::resume));
		menu.add(ViewActions.action("Predict candidates...", null, () -> work("Predict")));
		menu.add(ViewActions.action("Ensemble of the selected runs...", null, () -> work("Ensemble")));
		menu.add(ViewActions.action("Evaluate a submission...", null, () -> work("Evaluate")));
		menu.add(ViewActions.action("Screen a scan...", null, () -> work("Screen")));
		menu.add(ViewActions.action("Export model...", null, () -> work("Export Model")));
		menu.add(ViewActions.action("Delete model...", null, () -> work("Delete Model")));
		viewer.getTable().setMenu(menu.createContextMenu(viewer.getTable()));
		getViewSite().getActionBars().updateActionBars();

		for (String f : prefs().get(PREF_FOLDERS, "").split("\n")) {
			if (!f.isBlank()) {
				folders.add(Path.of(f));
			}
		}
		String configured = System.getProperty("nodulab.runs");
		if (configured != null) {
			folders.add(Path.of(configured).toAbsolutePath());
		}
		Path here = Path.of("runs").toAbsolutePath(); // where 'nodulab demo' and the examples write, from the same folder
		if (Files.isDirectory(here)) {
			folders.add(here.normalize());
		}
		queue = WorkbenchServices.of(getSite()).queue();
		queue.addListener(listener);
		for (JobRecord r : queue.jobs()) {
			if (r.runDir() != null && Path.of(r.runDir()).getParent() != null) {
				Path p = Path.of(r.runDir()).getParent();
				if (!org.nodulab.train.CrossValidation.isCrossValidation(p)) {
					folders.add(p);
				}
			}
		}
		refresh();
	}

	/** Adds a runs folder to the ones shown (kept in the workspace's preferences). */
	public void addFolder(Path folder) {
		folders.add(folder.toAbsolutePath().normalize());
		prefs().put(PREF_FOLDERS, String.join("\n", folders.stream().map(Path::toString).toList()));
		refresh();
	}

	/** Reads every runs folder again. */
	public void refresh() {
		List<RunCatalog.Entry> entries = new ArrayList<>();
		List<String> problems = new ArrayList<>();
		for (Path f : folders) {
			try {
				entries.addAll(RunCatalog.list(f));
			} catch (IOException | RuntimeException e) {
				problems.add(f + ": " + e.getMessage());
			}
		}
		ISelectionKeeper keep = new ISelectionKeeper(viewer);
		viewer.setInput(entries);
		keep.restore();
		setContentDescription(entries.size() + " run(s) in " + (folders.isEmpty() ? "no folder yet (Folder... adds one)" : folders)
				+ (problems.isEmpty() ? "" : "; unreadable: " + problems));
	}

	/** The table (for tests). */
	public TableViewer viewer() {
		return viewer;
	}

	/** Selects the runs in these folders (for tests and the other views). */
	public void select(List<Path> runs) {
		List<Object> found = new ArrayList<>();
		for (Object o : (List<?>) viewer.getInput()) {
			RunCatalog.Entry e = (RunCatalog.Entry) o;
			if (runs.contains(e.dir()) || runs.contains(e.dir().toAbsolutePath())) {
				found.add(e);
			}
		}
		viewer.setSelection(new StructuredSelection(found), true);
	}

	/** Sorts by a column (index as shown); a second call on the same column reverses. */
	public void sortBy(int column) {
		descending = column == sortColumn ? !descending : false;
		sortColumn = column;
		viewer.getTable().setSortColumn(viewer.getTable().getColumn(column));
		viewer.getTable().setSortDirection(descending ? SWT.DOWN : SWT.UP);
		viewer.refresh();
	}

	/** The filter box (for tests). */
	public Text filter() {
		return filter;
	}

	/** The folders of the selected runs (for File > Screen Scan). */
	public List<Path> selectedRuns() {
		return selected().stream().map(RunCatalog.Entry::dir).toList();
	}

	List<RunCatalog.Entry> selected() {
		return ((IStructuredSelection) viewer.getSelection()).toList().stream().map(RunCatalog.Entry.class::cast).toList();
	}

	private void chooseFolder() {
		DirectoryDialog d = new DirectoryDialog(getSite().getShell());
		d.setText("Runs folder");
		d.setMessage("A folder with runs (an experiment's output.runs)");
		String f = d.open();
		if (f != null) {
			addFolder(Path.of(f));
		}
	}

	/** Opens the selected runs' report.html in Report views inside the workbench; returns the views. */
	public List<ReportView> openReport() {
		List<ReportView> views = new ArrayList<>();
		for (RunCatalog.Entry e : selected()) {
			Path report = e.dir().resolve(RunDirectory.REPORT);
			if (!Files.exists(report)) {
				MessageDialog.openInformation(getSite().getShell(), "Report", e.name() + " has no report yet (it is written when the run ends)");
				continue;
			}
			try {
				ReportView v = (ReportView) getSite().getPage().showView(ReportView.ID, Integer.toHexString(e.dir().hashCode()),
						org.eclipse.ui.IWorkbenchPage.VIEW_ACTIVATE);
				v.show(report);
				views.add(v);
			} catch (org.eclipse.ui.PartInitException x) {
				MessageDialog.openError(getSite().getShell(), "Report", x.getMessage());
			}
		}
		return views;
	}

	/** The form of a kind of work on the selected runs, or null (with a message) when it does not apply. */
	public WorkForm workForm(String kind) {
		List<RunCatalog.Entry> selected = selected();
		if (selected.isEmpty()) {
			MessageDialog.openInformation(getSite().getShell(), kind, "Select one or more runs first");
			return null;
		}
		try {
			return switch (kind) {
			case "Predict" -> new WorkForm.Predict(selected.get(0).dir());
			case "Ensemble" -> new WorkForm.Ensemble(selected.stream().map(RunCatalog.Entry::dir).toList());
			case "Delete Model" -> new WorkForm.DeleteModel(selected.get(0).dir());
			case "Export Model" -> new WorkForm.ExportModel(selected.get(0).dir());
			case "Screen" -> new WorkForm.Screen(selected.get(0).dir()).set("models",
					String.join(";", selected.stream().map(e -> e.dir().toString()).toList()));
			case "Evaluate" -> {
				Path run = selected.get(0).dir();
				Path results;
				if (org.nodulab.train.CrossValidation.isCrossValidation(run)) { // the folds' merged test predictions
					Path ensemble = run.resolve("merged/ensemble-test.csv");
					try (java.util.stream.Stream<Path> merged = Files.list(run.resolve("merged"))) {
						results = Files.exists(ensemble) ? ensemble : merged.filter(f -> f.toString().endsWith("-test.csv")).sorted().findFirst()
								.orElse(null);
					}
				} else {
					Path ensemble = run.resolve("predictions/ensemble-test.csv");
					results = Files.exists(ensemble) ? ensemble : org.nodulab.train.RunOutputs.models(run).stream().findFirst()
							.map(org.nodulab.train.RunOutputs.Model::testPredictions).orElse(null);
				}
				yield WorkForm.Evaluate.ofRun(run, results);
			}
			default -> throw new IllegalArgumentException(kind);
			};
		} catch (IOException | RuntimeException e) {
			MessageDialog.openInformation(getSite().getShell(), kind, e.getMessage());
			return null;
		}
	}

	/** Opens the dialog of a kind of work on the selected runs; the job it queued, or null. */
	private JobRecord work(String kind) {
		WorkForm form = workForm(kind);
		if (form == null) {
			return null;
		}
		WorkDialog dialog = new WorkDialog(getSite().getShell(), form, WorkbenchServices.of(getSite()));
		if (dialog.open() == org.eclipse.jface.window.Window.OK && dialog.queued() != null) {
			try {
				getSite().getPage().showView(JobsView.ID);
			} catch (org.eclipse.ui.PartInitException e) {
				// the Jobs view is in the perspective anyway
			}
		}
		return dialog.queued();
	}

	/**
	 * Queues a resume job for each selected run that has not finished (stopped, crashed or killed,
	 * whether it ran as a job or from the command line).
	 *
	 * @return the jobs queued
	 */
	public List<JobRecord> resume() {
		List<JobRecord> queued = new ArrayList<>();
		List<String> skipped = new ArrayList<>();
		for (RunCatalog.Entry e : selected()) {
			if (e.status().equals("finished")) {
				skipped.add(e.name() + " has finished");
				continue;
			}
			try {
				queued.add(queue.submit(org.nodulab.jobs.JobSpec.of("resume " + e.name(), List.of("resume", e.dir().toAbsolutePath().toString()))));
			} catch (IOException | RuntimeException ex) {
				skipped.add(e.name() + ": " + ex.getMessage());
			}
		}
		if (!skipped.isEmpty()) {
			MessageDialog.openInformation(getSite().getShell(), "Resume", String.join("\n", skipped));
		}
		return queued;
	}

	void compare() {
		List<RunCatalog.Entry> runs = selected();
		if (runs.size() < 2) {
			MessageDialog.openInformation(getSite().getShell(), "Compare", "Select two or more runs (the first one is A).");
			return;
		}
		new CompareDialog(getSite().getShell(), runs).open();
	}

	private void openFroc() {
		List<RunCatalog.Entry> runs = selected();
		if (!runs.isEmpty()) {
			FrocView v = (FrocView) show(FrocView.ID);
			if (v != null) {
				v.show(runs.stream().map(RunCatalog.Entry::dir).toList());
			}
		}
	}

	private void openTraining() {
		List<RunCatalog.Entry> runs = selected();
		if (!runs.isEmpty()) {
			TrainingView v = (TrainingView) show(TrainingView.ID);
			if (v != null) {
				v.show(runs.get(0).dir());
			}
		}
	}

	private void openErrors() {
		List<RunCatalog.Entry> runs = selected();
		if (!runs.isEmpty()) {
			ErrorGalleryView v = (ErrorGalleryView) show(ErrorGalleryView.ID);
			if (v != null) {
				v.show(runs.get(0).dir(), null);
			}
		}
	}

	private Object show(String id) {
		try {
			return getSite().getPage().showView(id, null, IWorkbenchPage.VIEW_ACTIVATE);
		} catch (PartInitException e) {
			MessageDialog.openError(getSite().getShell(), "Open view", e.getMessage());
			return null;
		}
	}

	private void column(TableColumnLayout layout, List<Function<RunCatalog.Entry, Comparable<?>>> keys, String title, int weight,
			Function<RunCatalog.Entry, String> text, Function<RunCatalog.Entry, Comparable<?>> key) {
		int index = keys.size();
		keys.add(key);
		TableViewerColumn c = Columns.add(viewer, layout, title, weight, RunCatalog.Entry.class, text);
		c.getColumn().addListener(SWT.Selection, e -> sortBy(index));
	}

	static String fmt(double v, String format) {
		return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
	}

	private static double nanLow(double v) {
		return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
	}

	private static IEclipsePreferences prefs() {
		return InstanceScope.INSTANCE.getNode("org.nodulab.ui");
	}

	/** Keeps the selection (by run folder) across a reload. */
	private static final class ISelectionKeeper {
		private final TableViewer viewer;
		private final List<Path> dirs;

		ISelectionKeeper(TableViewer viewer) {
			this.viewer = viewer;
			this.dirs = ((IStructuredSelection) viewer.getSelection()).toList().stream().map(o -> ((RunCatalog.Entry) o).dir()).toList();
		}

		void restore() {
			List<Object> again = new ArrayList<>();
			for (Object o : (List<?>) viewer.getInput()) {
				if (dirs.contains(((RunCatalog.Entry) o).dir())) {
					again.add(o);
				}
			}
			viewer.setSelection(new StructuredSelection(again));
		}
	}

	@Override
	public void setFocus() {
		viewer.getControl().setFocus();
	}

	@Override
	public void dispose() {
		if (queue != null) {
			queue.removeListener(listener);
		}
		super.dispose();
	}
}
