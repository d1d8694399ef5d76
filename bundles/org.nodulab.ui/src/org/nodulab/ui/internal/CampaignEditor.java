package org.nodulab.ui.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.ui.IEditorInput;
import org.eclipse.ui.IEditorSite;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.part.EditorPart;
import org.nodulab.campaign.CampaignPlan;
import org.nodulab.campaign.CampaignService;
import org.nodulab.core.io.AtomicFiles;
import org.nodulab.core.settings.SettingsException;
import org.nodulab.core.settings.SettingsProblem;
import org.nodulab.jobs.JobRecord;
import org.nodulab.jobs.JobSpec;

/**
 * A campaign file as YAML with its validation: every problem {@code nodulab campaign plan} finds (the campaign's own
 * keys, each override against the base experiment, every expanded experiment) listed with its line and marked on that
 * line; Save (atomic), Validate, and Run on the local queue or on Slurm (a {@code campaign run} job).
 */
public class CampaignEditor extends EditorPart {

	public static final String ID = "org.nodulab.ui.editors.campaign";
	private static final int VALIDATE_DELAY_MILLIS = 800;

	private Path file;
	private String text;
	private String savedText;
	private StyledText source;
	private Table problemsTable;
	private Label summary;
	private List<SettingsProblem> problems = List.of();
	private CampaignPlan plan;
	private int validation;
	private Color marked;

	@Override
	public void init(IEditorSite site, IEditorInput input) throws PartInitException {
		setSite(site);
		setInput(input);
		file = ViewActions.file(input, "campaign editor");
		try {
			text = Files.readString(file, StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new PartInitException("cannot read " + file + ": " + e.getMessage(), e);
		}
		savedText = text;
		setPartName(file.getFileName().toString());
		setTitleToolTip(file.toString());
	}

	@Override
	public void createPartControl(Composite parent) {
		GridLayoutFactory.fillDefaults().applyTo(parent);
		marked = new Color(parent.getDisplay(), 255, 220, 220);
		parent.addDisposeListener(e -> marked.dispose());
		Composite bar = new Composite(parent, SWT.NONE);
		GridLayoutFactory.fillDefaults().numColumns(6).margins(6, 4).applyTo(bar);
		summary = new Label(bar, SWT.NONE);
		GridDataFactory.fillDefaults().grab(true, false).applyTo(summary);
		button(bar, "Validate", this::validateNow);
		button(bar, "Save", () -> doSave(null));
		button(bar, "Run locally", () -> runFromButton("local"));
		button(bar, "Run on Slurm", () -> runFromButton("slurm"));
		button(bar, "Show in Campaigns", this::showInCampaigns);
		problemsTable = new Table(parent, SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
		problemsTable.setHeaderVisible(true);
		TableColumn line = new TableColumn(problemsTable, SWT.RIGHT);
		line.setText("Line");
		line.setWidth(50);
		TableColumn what = new TableColumn(problemsTable, SWT.LEFT);
		what.setText("Problem");
		what.setWidth(900);
		GridDataFactory.fillDefaults().grab(true, false).hint(SWT.DEFAULT, 110).applyTo(problemsTable);
		problemsTable.addListener(SWT.Selection, e -> revealSelectedProblem());
		source = new StyledText(parent, SWT.BORDER | SWT.MULTI | SWT.V_SCROLL | SWT.H_SCROLL);
		source.setFont(org.eclipse.jface.resource.JFaceResources.getTextFont());
		GridDataFactory.fillDefaults().grab(true, true).applyTo(source);
		source.setText(text);
		source.addModifyListener(e -> {
			text = source.getText();
			firePropertyChange(PROP_DIRTY);
			int mine = ++validation;
			source.getDisplay().timerExec(VALIDATE_DELAY_MILLIS, () -> {
				if (mine == validation && !source.isDisposed()) {
					validateInBackground(mine);
				}
			});
		});
		validateNow();
	}

	private static Button button(Composite parent, String label, Runnable action) {
		Button b = new Button(parent, SWT.PUSH);
		b.setText(label);
		b.addListener(SWT.Selection, e -> action.run());
		return b;
	}

	/** Validates the text as {@code nodulab campaign plan} does; shows and returns the problems. */
	public List<SettingsProblem> validateNow() {
		validation++;
		Object[] r = check(WorkbenchServices.of(getSite()).get(CampaignService.class), file, text);
		plan = (CampaignPlan) r[0];
		@SuppressWarnings("unchecked")
		List<SettingsProblem> found = (List<SettingsProblem>) r[1];
		problems = found;
		showProblems();
		return problems;
	}

	/** Validates after an edit without holding the display (a campaign of many runs validates every one of them). */
	private void validateInBackground(int mine) {
		CampaignService service = WorkbenchServices.of(getSite()).get(CampaignService.class);
		String snapshot = text;
		summary.setText("validating...");
		Thread t = new Thread(() -> {
			Object[] r = check(service, file, snapshot);
			if (!source.isDisposed()) {
				source.getDisplay().asyncExec(() -> {
					if (mine == validation && !source.isDisposed()) {
						plan = (CampaignPlan) r[0];
						@SuppressWarnings("unchecked")
						List<SettingsProblem> found = (List<SettingsProblem>) r[1];
						problems = found;
						showProblems();
					}
				});
			}
		}, "nodulab-campaign-validate");
		t.setDaemon(true);
		t.start();
	}

	/** The plan (or null) and the problems of a campaign text. */
	private static Object[] check(CampaignService service, Path file, String content) {
		try {
			return new Object[] { service.loader().load(file, content), List.of() };
		} catch (SettingsException e) {
			return new Object[] { null, e.problems() };
		} catch (RuntimeException e) {
			return new Object[] { null, List.of(new SettingsProblem("", 0, e.getMessage() == null ? e.toString() : e.getMessage())) };
		}
	}

	private void showProblems() {
		problemsTable.removeAll();
		source.setLineBackground(0, source.getLineCount(), null);
		for (SettingsProblem p : problems) {
			TableItem item = new TableItem(problemsTable, SWT.NONE);
			item.setText(new String[] { p.line() > 0 ? Integer.toString(p.line()) : "", (p.path().isEmpty() ? "" : p.path() + ": ") + p.message() });
			item.setData(p);
			if (p.line() > 0 && p.line() <= source.getLineCount()) {
				source.setLineBackground(p.line() - 1, 1, marked);
			}
		}
		if (plan != null) {
			summary.setText(String.format(java.util.Locale.ROOT, "%s: %d variant(s) x %d fold(s) = %d runs, every experiment valid; folder %s",
					plan.campaign().name, plan.variants().size(), plan.folds().size(), plan.runs().size(), plan.folder()));
		} else {
			summary.setText(problems.size() + " problem(s) in " + file.getFileName());
		}
		summary.getParent().layout();
	}

	private void revealSelectedProblem() {
		TableItem[] s = problemsTable.getSelection();
		if (s.length == 1 && s[0].getData() instanceof SettingsProblem p && p.line() > 0 && p.line() <= source.getLineCount()) {
			source.setCaretOffset(source.getOffsetAtLine(p.line() - 1));
			source.setTopIndex(Math.max(0, p.line() - 4));
			source.setFocus();
		}
	}

	/** Lines that carry a marker (1-based), for tests. */
	public List<Integer> markedLines() {
		List<Integer> out = new ArrayList<>();
		for (int i = 0; i < source.getLineCount(); i++) {
			if (marked.equals(source.getLineBackground(i))) {
				out.add(i + 1);
			}
		}
		return out;
	}

	private void runFromButton(String executor) {
		try {
			JobRecord r = run(executor);
			getSite().getPage().showView(JobsView.ID);
			CampaignsView v = (CampaignsView) getSite().getPage().showView(CampaignsView.ID);
			if (plan != null) {
				v.show(plan.folder(), file);
			}
			summary.setText("queued job " + r.id() + ": campaign run --executor " + executor);
		} catch (IOException | IllegalStateException | IllegalArgumentException | PartInitException e) {
			MessageDialog.openError(getSite().getShell(), "Run campaign", e.getMessage());
		}
	}

	/**
	 * Saves and queues {@code campaign run <file> --executor <id>} (which starts every unfinished run through that
	 * executor).
	 *
	 * @throws IllegalStateException when the campaign has problems (they are listed)
	 */
	public JobRecord run(String executor) throws IOException {
		if (!validateNow().isEmpty()) {
			throw new IllegalStateException("fix the " + problems.size() + " problem(s) first:\n"
					+ String.join("\n", problems.stream().map(p -> p.format(file.getFileName().toString())).toList()));
		}
		if (isDirty()) {
			save();
		}
		return WorkbenchServices.of(getSite()).queue().submit(new JobSpec("campaign " + plan.campaign().name + " (" + executor + ")",
				List.of("campaign", "run", file.toAbsolutePath().toString(), "--executor", executor), null, null, 0));
	}

	/** Shows the campaign's folder in the Campaigns view; returns the view. */
	public CampaignsView showInCampaigns() {
		try {
			CampaignsView v = (CampaignsView) getSite().getPage().showView(CampaignsView.ID);
			if (plan != null) {
				v.show(plan.folder(), file);
			}
			return v;
		} catch (PartInitException e) {
			MessageDialog.openError(getSite().getShell(), "Campaigns", e.getMessage());
			return null;
		}
	}

	@Override
	public void doSave(IProgressMonitor monitor) {
		try {
			save();
		} catch (IOException e) {
			MessageDialog.openError(getSite().getShell(), "Save", "cannot save " + file + ": " + e.getMessage());
		}
	}

	/** Writes the file atomically and validates it. */
	public void save() throws IOException {
		String toWrite = text;
		AtomicFiles.replace(file, out -> out.write(toWrite.getBytes(StandardCharsets.UTF_8)));
		savedText = toWrite;
		firePropertyChange(PROP_DIRTY);
		validateNow();
	}

	@Override
	public void doSaveAs() {
		throw new UnsupportedOperationException();
	}

	@Override
	public boolean isDirty() {
		return text != null && !text.equals(savedText);
	}

	@Override
	public boolean isSaveAsAllowed() {
		return false;
	}

	@Override
	public void setFocus() {
		source.setFocus();
	}

	/** The problems of the last validation. */
	public List<SettingsProblem> problems() {
		return problems;
	}

	/** The source text widget (for tests). */
	public StyledText source() {
		return source;
	}

	public Path file() {
		return file;
	}
}
