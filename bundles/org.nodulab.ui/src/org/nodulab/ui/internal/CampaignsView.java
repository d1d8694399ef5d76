package org.nodulab.ui.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.ProgressBar;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.part.ViewPart;
import org.nodulab.campaign.CampaignFolder;
import org.nodulab.campaign.CampaignResults;
import org.nodulab.campaign.CampaignService;
import org.nodulab.jobs.JobRecord;
import org.nodulab.jobs.JobSpec;
import org.nodulab.train.RunDirectory;

/**
 * A campaign at a glance: the grid of its runs (variant x fold) coloured by state with their progress, the whole
 * campaign's progress, the table (mean and spread over folds, pooled CPM with its interval, the paired comparison with
 * the baseline, the notebook's figure), and its actions: run locally or on Slurm (a {@code campaign run} job), cancel
 * (all runs or the selected one), open a run's report, open the notebook. Its command-line twins are
 * {@code nodulab campaign status | run | cancel | report}.
 */
public class CampaignsView extends ViewPart {

	public static final String ID = "org.nodulab.ui.views.campaigns";
	private static final String PREF_CAMPAIGNS = "campaigns.folders";
	private static final int REFRESH_MILLIS = 5000;

	private Combo campaigns;
	private final List<Path> folders = new ArrayList<>();
	private Label summary;
	private ProgressBar progress;
	private Table grid;
	private Table results;
	private CampaignService.Status status;
	private CampaignResults.Table table;
	private final Map<CampaignService.View, Color> colours = new LinkedHashMap<>();
	private volatile boolean refreshing;
	private volatile String tableKey;

	@Override
	public void createPartControl(Composite parent) {
		GridLayoutFactory.fillDefaults().applyTo(parent);
		colours.put(CampaignService.View.NOT_STARTED, new Color(parent.getDisplay(), 235, 235, 235));
		colours.put(CampaignService.View.QUEUED, new Color(parent.getDisplay(), 255, 243, 191));
		colours.put(CampaignService.View.RUNNING, new Color(parent.getDisplay(), 191, 219, 255));
		colours.put(CampaignService.View.INTERRUPTED, new Color(parent.getDisplay(), 255, 214, 170));
		colours.put(CampaignService.View.FINISHED, new Color(parent.getDisplay(), 200, 236, 200));
		colours.put(CampaignService.View.FAILED, new Color(parent.getDisplay(), 255, 190, 190));
		parent.addDisposeListener(e -> colours.values().forEach(Color::dispose));

		Composite top = new Composite(parent, SWT.NONE);
		GridLayoutFactory.fillDefaults().numColumns(3).margins(4, 2).applyTo(top);
		GridDataFactory.fillDefaults().grab(true, false).applyTo(top);
		campaigns = new Combo(top, SWT.READ_ONLY);
		GridDataFactory.fillDefaults().hint(360, SWT.DEFAULT).applyTo(campaigns);
		campaigns.addListener(SWT.Selection, e -> refresh());
		progress = new ProgressBar(top, SWT.HORIZONTAL | SWT.SMOOTH);
		progress.setMaximum(1000);
		GridDataFactory.fillDefaults().hint(160, SWT.DEFAULT).applyTo(progress);
		summary = new Label(top, SWT.NONE);
		GridDataFactory.fillDefaults().grab(true, false).applyTo(summary);

		SashForm sash = new SashForm(parent, SWT.HORIZONTAL);
		GridDataFactory.fillDefaults().grab(true, true).applyTo(sash);
		grid = new Table(sash, SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
		grid.setHeaderVisible(true);
		grid.setLinesVisible(true);
		grid.addListener(SWT.MouseDoubleClick, e -> openRun(grid.toControl(grid.getDisplay().getCursorLocation())));
		results = new Table(sash, SWT.BORDER | SWT.FULL_SELECTION);
		results.setHeaderVisible(true);
		results.setLinesVisible(true);
		results.setToolTipText(CampaignResults.INTERIM_NOTE);
		for (String[] c : new String[][] { { "", "170" }, { "runs", "60" }, { "mean ± sd", "120" }, { "pooled CPM [interval]", "250" },
				{ "vs baseline [interval]", "260" }, { "notebook", "70" } }) {
			TableColumn col = new TableColumn(results, SWT.LEFT);
			col.setText(c[0]);
			col.setWidth(Integer.parseInt(c[1]));
		}
		sash.setWeights(45, 55);

		IToolBarManager bar = getViewSite().getActionBars().getToolBarManager();
		bar.add(ViewActions.action("Open...", "Open a campaign folder (or run a campaign file from its editor)", this::chooseFolder));
		bar.add(ViewActions.action("Refresh", "Read the campaign's state again (also every 5 s)", this::refresh));
		bar.add(ViewActions.action("Run locally", "Start every unfinished run on the job queue (a 'campaign run --executor local' job)", () -> submit("local")));
		bar.add(ViewActions.action("Run on Slurm", "Submit every unfinished run as a Slurm array job (a 'campaign run --executor slurm' job)", () -> submit("slurm")));
		bar.add(ViewActions.action("Cancel", "Cancel the selected run's task, or every queued and running one when none is selected", this::cancel));
		bar.add(ViewActions.action("Notebook", "Open the campaign's notebook.html", this::openNotebook));
		getViewSite().getActionBars().updateActionBars();

		for (String f : prefs().get(PREF_CAMPAIGNS, "").split("\n")) {
			if (!f.isBlank() && CampaignFolder.isCampaign(Path.of(f))) {
				folders.add(Path.of(f));
			}
		}
		fillCombo();
		refresh();
		scheduleRefresh();
	}

	private void scheduleRefresh() {
		grid.getDisplay().timerExec(REFRESH_MILLIS, () -> {
			if (!grid.isDisposed()) {
				if (!refreshing && getSite().getPage().isPartVisible(this)) {
					refresh();
				}
				scheduleRefresh();
			}
		});
	}

	private void fillCombo() {
		campaigns.removeAll();
		for (Path f : folders) {
			campaigns.add(f.getFileName() + "  (" + f.getParent() + ")");
		}
		if (!folders.isEmpty() && campaigns.getSelectionIndex() < 0) {
			campaigns.select(folders.size() - 1);
		}
	}

	/** Shows a campaign folder (remembered in the workspace); {@code file} is its campaign file, when known. */
	public void show(Path folder, Path file) {
		Path f = folder.toAbsolutePath().normalize();
		folders.remove(f);
		folders.add(f);
		Set<String> kept = new LinkedHashSet<>(folders.stream().map(Path::toString).toList());
		prefs().put(PREF_CAMPAIGNS, String.join("\n", kept));
		fillCombo();
		campaigns.select(folders.indexOf(f));
		refresh();
	}

	/** The campaign folder shown, or null. */
	public Path shown() {
		int i = campaigns.getSelectionIndex();
		return i < 0 || i >= folders.size() ? null : folders.get(i);
	}

	private void chooseFolder() {
		DirectoryDialog d = new DirectoryDialog(getSite().getShell());
		d.setText("Campaign folder");
		d.setMessage("A campaign's folder (<output>/<name>, with plan.json)");
		String f = d.open();
		if (f != null) {
			if (!CampaignFolder.isCampaign(Path.of(f))) {
				MessageDialog.openError(getSite().getShell(), "Campaigns", f + " is not a campaign folder (no plan.json); open the campaign file and Run it first");
				return;
			}
			show(Path.of(f), null);
		}
	}

	/** Reads the shown campaign's state and table in the background and shows them. */
	public void refresh() {
		Path dir = shown();
		if (dir == null) {
			summary.setText("no campaign yet: open a campaign file (File > Open Experiment or Campaign) and Run it, or Open... a campaign folder");
			return;
		}
		refreshing = true;
		CampaignService service = WorkbenchServices.of(getSite()).get(CampaignService.class);
		Thread t = new Thread(() -> {
			CampaignService.Status s = null;
			CampaignResults.Table tb = null;
			String problem = null;
			try {
				CampaignFolder folder = CampaignFolder.open(dir);
				s = service.status(folder, null, Map.of(), new PrintWriter(new StringWriter()));
				String key = dir + "|" + s.runs().stream().filter(r -> r.state() == CampaignService.View.FINISHED).map(CampaignService.RunView::id).toList();
				if (!key.equals(tableKey)) { // the table changes only when a run finishes
					tb = CampaignResults.compute(folder, WorkbenchServices.of(getSite()).get(org.nodulab.eval.EnsembleCombinerRegistry.class));
					tableKey = key;
				}
			} catch (Exception e) {
				problem = e.getMessage() == null ? e.toString() : e.getMessage();
			}
			CampaignService.Status fs = s;
			CampaignResults.Table ft = tb;
			String fp = problem;
			if (!grid.isDisposed()) {
				grid.getDisplay().asyncExec(() -> {
					refreshing = false;
					if (!grid.isDisposed() && dir.equals(shown())) {
						if (fs != null) {
							status = fs;
						}
						if (ft != null) {
							table = ft;
						} else if (tableKey == null || !tableKey.startsWith(dir + "|")) {
							table = null;
						}
						render(fp);
					}
				});
			}
		}, "nodulab-campaign-status");
		t.setDaemon(true);
		t.start();
	}

	/** Refreshes and waits for the result (tests). */
	public void refreshAndWait(long millis) {
		refresh();
		long end = System.currentTimeMillis() + millis;
		while ((refreshing || status == null) && System.currentTimeMillis() < end) {
			if (!grid.getDisplay().readAndDispatch()) {
				grid.getDisplay().sleep();
			}
		}
	}

	private void render(String problem) {
		grid.removeAll();
		for (TableColumn c : grid.getColumns()) {
			c.dispose();
		}
		if (status == null) {
			summary.setText(problem == null ? "" : problem);
			return;
		}
		List<String> folds = status.folder().folds();
		TableColumn v = new TableColumn(grid, SWT.LEFT);
		v.setText("variant");
		v.setWidth(150);
		for (String f : folds) {
			TableColumn c = new TableColumn(grid, SWT.LEFT);
			c.setText(f);
			c.setWidth(120);
		}
		for (String variant : status.folder().variants()) {
			TableItem item = new TableItem(grid, SWT.NONE);
			item.setText(0, variant);
			for (int k = 0; k < folds.size(); k++) {
				String id = CampaignFolder.runId(variant, folds.get(k));
				for (CampaignService.RunView r : status.runs()) {
					if (r.id().equals(id)) {
						item.setText(k + 1, r.state().label() + (r.state() == CampaignService.View.FINISHED ? "" : String.format(Locale.ROOT, " %.0f%%", 100 * r.progress())));
						item.setBackground(k + 1, colours.get(r.state()));
					}
				}
			}
		}
		progress.setSelection((int) Math.round(1000 * status.progress()));
		List<String> parts = new ArrayList<>();
		for (CampaignService.View s : CampaignService.View.values()) {
			long n = status.count(s);
			if (n > 0) {
				parts.add(n + " " + s.label());
			}
		}
		summary.setText(String.format(Locale.ROOT, "%s: %d runs: %s; executor %s%s", status.folder().name(), status.runs().size(),
				String.join(", ", parts), status.executor(), problem == null ? "" : "; " + problem));
		results.removeAll();
		if (table != null) {
			for (CampaignResults.Row r : table.all()) {
				TableItem item = new TableItem(results, SWT.NONE);
				item.setText(new String[] { (r.kind().equals("ensemble") ? "ensemble " : "") + r.name(), r.finished() + "/" + r.planned(),
						Double.isNaN(r.mean()) ? "" : String.format(Locale.ROOT, "%.4f ± %s", r.mean(), Double.isNaN(r.sd()) ? "–" : String.format(Locale.ROOT, "%.4f", r.sd())),
						CampaignResults.pooledText(r),
						r.name().equals(table.baseline()) ? "baseline" : CampaignResults.deltaText(r),
						r.notebook() == null ? "" : String.format(Locale.ROOT, "%.4f", r.notebook()) });
			}
		}
	}

	/** The grid's cell texts, row by row (tests). */
	public List<List<String>> gridTexts() {
		List<List<String>> out = new ArrayList<>();
		for (TableItem item : grid.getItems()) {
			List<String> row = new ArrayList<>();
			for (int i = 0; i < grid.getColumnCount(); i++) {
				row.add(item.getText(i));
			}
			out.add(row);
		}
		return out;
	}

	/** The results table's rows (tests). */
	public List<List<String>> resultTexts() {
		List<List<String>> out = new ArrayList<>();
		for (TableItem item : results.getItems()) {
			List<String> row = new ArrayList<>();
			for (int i = 0; i < results.getColumnCount(); i++) {
				row.add(item.getText(i));
			}
			out.add(row);
		}
		return out;
	}

	/** The background of a grid cell (tests). */
	public Color cellColour(int row, int column) {
		return grid.getItem(row).getBackground(column);
	}

	public Color colour(CampaignService.View state) {
		return colours.get(state);
	}

	/** The run under a point of the grid (variant/fold), or null. */
	private String runAt(Point p) {
		if (status == null) {
			return null;
		}
		TableItem item = grid.getItem(p);
		if (item == null) {
			return null;
		}
		for (int c = 1; c < grid.getColumnCount(); c++) {
			if (item.getBounds(c).contains(p)) {
				return CampaignFolder.runId(item.getText(0), grid.getColumn(c).getText());
			}
		}
		return null;
	}

	private String selectedRun() {
		if (status == null || grid.getSelectionCount() != 1) {
			return null;
		}
		Point cursor = grid.toControl(grid.getDisplay().getCursorLocation());
		return runAt(cursor);
	}

	private void openRun(Point p) {
		String id = runAt(p);
		if (id != null) {
			openRun(id);
		}
	}

	/** Opens a run's report in a Report view; returns it, or null when the run has none yet. */
	public ReportView openRun(String runId) {
		try {
			Path run = status.folder().runDir(runId);
			Path report = run.resolve(RunDirectory.REPORT);
			if (!Files.exists(report)) {
				MessageDialog.openInformation(getSite().getShell(), "Run", runId + " has no report yet (it is written when the run ends); its folder: " + run);
				return null;
			}
			ReportView v = (ReportView) getSite().getPage().showView(ReportView.ID, Integer.toHexString(run.hashCode()), IWorkbenchPage.VIEW_ACTIVATE);
			v.show(report);
			return v;
		} catch (Exception e) {
			MessageDialog.openError(getSite().getShell(), "Run", e.getMessage());
			return null;
		}
	}

	/** Opens notebook.html in a Report view. */
	public ReportView openNotebook() {
		Path dir = shown();
		if (dir == null) {
			return null;
		}
		try {
			ReportView v = (ReportView) getSite().getPage().showView(ReportView.ID, Integer.toHexString(dir.hashCode()), IWorkbenchPage.VIEW_ACTIVATE);
			v.show(dir.resolve("notebook.html"));
			return v;
		} catch (PartInitException e) {
			MessageDialog.openError(getSite().getShell(), "Notebook", e.getMessage());
			return null;
		}
	}

	/** Queues {@code campaign run <file> --executor <id>} for the shown campaign; returns the job. */
	public JobRecord submit(String executor) {
		Path dir = shown();
		if (dir == null) {
			return null;
		}
		try {
			CampaignFolder folder = CampaignFolder.open(dir);
			String file = folder.plan().path("file").asText();
			if (!Files.exists(Path.of(file))) {
				throw new IllegalStateException("the campaign file " + file + " is gone; open the campaign file and run it from its editor");
			}
			JobRecord r = WorkbenchServices.of(getSite()).queue().submit(new JobSpec("campaign " + folder.name() + " (" + executor + ")",
					List.of("campaign", "run", file, "--executor", executor), null, null, 0));
			summary.setText("queued job " + r.id() + ": campaign run --executor " + executor);
			return r;
		} catch (Exception e) {
			MessageDialog.openError(getSite().getShell(), "Run campaign", e.getMessage());
			return null;
		}
	}

	private void cancel() {
		Path dir = shown();
		if (dir == null) {
			return;
		}
		String run = selectedRun();
		List<String> runs = run == null ? List.of() : List.of(run);
		if (!MessageDialog.openConfirm(getSite().getShell(), "Cancel", run == null ? "Cancel every queued and running run of "
				+ dir.getFileName() + "? Runs keep their last checkpoint." : "Cancel " + run + "? It keeps its last checkpoint.")) {
			return;
		}
		CampaignService service = WorkbenchServices.of(getSite()).get(CampaignService.class);
		StringWriter out = new StringWriter();
		try {
			service.cancel(CampaignFolder.open(dir), runs, new PrintWriter(out, true));
			summary.setText(out.toString().strip().replace('\n', ';'));
		} catch (Exception e) {
			MessageDialog.openError(getSite().getShell(), "Cancel", e.getMessage());
		}
		refresh();
	}

	private static IEclipsePreferences prefs() {
		return InstanceScope.INSTANCE.getNode("org.nodulab.ui");
	}

	@Override
	public void setFocus() {
		grid.setFocus();
	}
}
