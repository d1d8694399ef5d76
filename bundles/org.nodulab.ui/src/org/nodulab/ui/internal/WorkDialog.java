package org.nodulab.ui.internal;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.TitleAreaDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;
import org.nodulab.jobs.JobRecord;
import org.nodulab.jobs.JobSpec;

/**
 * The dialog of a {@link WorkForm}: its fields, the command line they make (the headless twin, updated as the user
 * types), and on OK the same check the command makes before it runs; a command line with problems stays in the
 * dialog with them listed, one without is queued as a job (progress in the Progress and Jobs views, cancel there).
 */
public class WorkDialog extends TitleAreaDialog {

	private final WorkForm form;
	private final WorkbenchServices services;
	private Label command;
	private Text problems;
	private JobRecord queued;

	public WorkDialog(Shell shell, WorkForm form, WorkbenchServices services) {
		super(shell);
		this.form = form;
		this.services = services;
		setShellStyle(getShellStyle() | SWT.RESIZE);
	}

	/** The problems the command would report, or the job queued: what OK does, without the dialog (tests, scripts). */
	public static Result submit(WorkForm form, WorkbenchServices services) {
		JobSpec spec = JobSpec.of(form.jobTitle(), form.command());
		List<String> found = services.get(org.nodulab.jobs.JobService.class).executor().check(spec);
		if (!found.isEmpty()) {
			return new Result(found, null);
		}
		try {
			return new Result(List.of(), services.queue().submit(spec));
		} catch (java.io.IOException | RuntimeException e) {
			return new Result(List.of(e.getMessage() == null ? e.toString() : e.getMessage()), null);
		}
	}

	/** What submitting gave: problems (nothing queued), or the job. */
	public record Result(List<String> problems, JobRecord job) {
	}

	@Override
	protected void configureShell(Shell shell) {
		super.configureShell(shell);
		shell.setText(form.title());
	}

	@Override
	protected Control createDialogArea(Composite parent) {
		setTitle(form.title());
		setMessage(form.description());
		Composite area = (Composite) super.createDialogArea(parent);
		Composite grid = new Composite(area, SWT.NONE);
		grid.setLayout(new GridLayout(3, false));
		GridDataFactory.fillDefaults().grab(true, true).applyTo(grid);
		for (WorkForm.Field f : form.fields()) {
			Label label = new Label(grid, SWT.NONE);
			label.setText(f.label() + ":");
			label.setToolTipText(f.hint());
			switch (f.kind()) {
			case CHOICE -> {
				Combo combo = new Combo(grid, SWT.READ_ONLY);
				combo.setItems(f.choices().toArray(String[]::new));
				combo.setText(f.value());
				combo.setToolTipText(f.hint());
				combo.setData("field", f.key());
				combo.addModifyListener(e -> changed(f.key(), combo.getText()));
				GridDataFactory.fillDefaults().grab(true, false).span(2, 1).applyTo(combo);
			}
			case FLAG -> {
				Button check = new Button(grid, SWT.CHECK);
				check.setSelection(Boolean.parseBoolean(f.value()));
				check.setToolTipText(f.hint());
				check.setData("field", f.key());
				check.addListener(SWT.Selection, e -> changed(f.key(), Boolean.toString(check.getSelection())));
				GridDataFactory.fillDefaults().span(2, 1).applyTo(check);
			}
			case INFO -> {
				Label value = new Label(grid, SWT.WRAP);
				value.setText(f.value());
				value.setToolTipText(f.hint());
				GridDataFactory.fillDefaults().grab(true, false).hint(500, SWT.DEFAULT).span(2, 1).applyTo(value);
			}
			default -> {
				Text text = new Text(grid, SWT.BORDER);
				text.setText(f.value());
				text.setMessage(f.hint() == null ? "" : f.hint());
				text.setToolTipText(f.hint());
				text.setData("field", f.key());
				text.addModifyListener(e -> changed(f.key(), text.getText()));
				boolean browse = f.kind() == WorkForm.Kind.FILE || f.kind() == WorkForm.Kind.NEW_FILE || f.kind() == WorkForm.Kind.FOLDER
						|| f.kind() == WorkForm.Kind.NEW_FOLDER;
				GridDataFactory.fillDefaults().grab(true, false).hint(420, SWT.DEFAULT).span(browse ? 1 : 2, 1).applyTo(text);
				if (browse) {
					Button pick = new Button(grid, SWT.PUSH);
					pick.setText("Browse...");
					pick.addListener(SWT.Selection, e -> {
						String chosen;
						if (f.kind() == WorkForm.Kind.FOLDER || f.kind() == WorkForm.Kind.NEW_FOLDER) {
							DirectoryDialog d = new DirectoryDialog(getShell());
							d.setFilterPath(text.getText());
							chosen = d.open();
						} else {
							FileDialog d = new FileDialog(getShell(), f.kind() == WorkForm.Kind.NEW_FILE ? SWT.SAVE : SWT.OPEN);
							d.setFileName(text.getText());
							chosen = d.open();
						}
						if (chosen != null) {
							text.setText(chosen);
						}
					});
				}
			}
			}
		}
		Label heading = new Label(grid, SWT.NONE);
		heading.setText("Command line:");
		command = new Label(grid, SWT.WRAP);
		GridDataFactory.fillDefaults().grab(true, false).hint(500, SWT.DEFAULT).span(2, 1).applyTo(command);
		problems = new Text(grid, SWT.MULTI | SWT.READ_ONLY | SWT.WRAP | SWT.V_SCROLL);
		GridDataFactory.fillDefaults().grab(true, true).hint(500, 60).span(3, 1).applyTo(problems);
		problems.setVisible(false);
		update();
		return area;
	}

	private void changed(String key, String value) {
		form.set(key, value);
		update();
	}

	private void update() {
		if (command != null && !command.isDisposed()) {
			command.setText(form.commandLine());
			command.getParent().layout(true, true);
		}
	}

	@Override
	protected void createButtonsForButtonBar(Composite parent) {
		createButton(parent, IDialogConstants.OK_ID, "Queue", true);
		createButton(parent, IDialogConstants.CANCEL_ID, IDialogConstants.CANCEL_LABEL, false);
	}

	@Override
	protected void okPressed() {
		Result r = submit(form, services);
		if (!r.problems().isEmpty()) {
			setErrorMessage(r.problems().size() + " problem(s); nothing was queued");
			problems.setText(String.join("\n", r.problems()));
			problems.setVisible(true);
			problems.getParent().layout(true, true);
			return;
		}
		queued = r.job();
		showFrocWhenDone(form, queued, services, getShell().getDisplay());
		super.okPressed();
	}

	/** When the job has finished, shows the FROC of the form's output in the FROC view (an evaluation's). */
	public static void showFrocWhenDone(WorkForm form, JobRecord job, WorkbenchServices services, org.eclipse.swt.widgets.Display display) {
		java.nio.file.Path out = form.frocWhenDone();
		java.nio.file.Path findings = form.findingsWhenDone();
		if ((out == null && findings == null) || job == null) {
			return;
		}
		org.nodulab.jobs.JobQueue queue = services.queue();
		queue.addListener(new org.nodulab.jobs.JobQueue.Listener() {
			@Override
			public void changed(JobRecord r) {
				if (!r.id().equals(job.id()) || !r.state().ended()) {
					return;
				}
				queue.removeListener(this);
				if (r.state() == JobRecord.State.FINISHED) {
					display.asyncExec(() -> {
						try {
							org.eclipse.ui.IWorkbenchPage page = org.eclipse.ui.PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
							if (out != null) {
								((FrocView) page.showView(FrocView.ID)).show(List.of(out));
							}
							if (findings != null) {
								((FindingsView) page.showView(FindingsView.ID)).show(findings);
							}
						} catch (org.eclipse.ui.PartInitException | java.io.IOException | RuntimeException e) {
							// the output folder holds the report and its files anyway
						}
					});
				}
			}
		});
	}

	/** Presses Queue (tests drive the dialog through its widgets' API). */
	public void pressQueue() {
		okPressed();
	}

	/** The problems shown, one per line (empty when none). */
	public List<String> shownProblems() {
		return problems == null || problems.isDisposed() || problems.getText().isEmpty() ? List.of()
				: new ArrayList<>(List.of(problems.getText().split("\n")));
	}

	/** The command line shown. */
	public String shownCommandLine() {
		return command.getText();
	}

	/** The job OK queued, or null. */
	public JobRecord queued() {
		return queued;
	}

	/** Sets a field through its widget, as typing or choosing would. */
	public void type(String key, String value) {
		for (Control c : allControls(getDialogArea())) {
			if (key.equals(c.getData("field"))) {
				if (c instanceof Text t) {
					t.setText(value);
				} else if (c instanceof Combo combo) {
					combo.setText(value);
				} else if (c instanceof Button b) {
					b.setSelection(Boolean.parseBoolean(value));
					b.notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
				}
				return;
			}
		}
		throw new IllegalArgumentException("no field '" + key + "' in the dialog");
	}

	private static List<Control> allControls(Control c) {
		List<Control> out = new ArrayList<>();
		out.add(c);
		if (c instanceof Composite comp) {
			for (Control child : comp.getChildren()) {
				out.addAll(allControls(child));
			}
		}
		return out;
	}
}
