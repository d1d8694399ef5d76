package org.nodulab.ui.internal;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.nodulab.train.RunCatalog;

/** Two or more runs side by side: each against the first (A): settings that differ, metric deltas. */
public class CompareDialog extends Dialog {

	private final List<RunCatalog.Entry> runs;
	private Table table;

	public CompareDialog(Shell shell, List<RunCatalog.Entry> runs) {
		super(shell);
		this.runs = runs;
		setShellStyle(getShellStyle() | SWT.RESIZE);
	}

	@Override
	protected void configureShell(Shell shell) {
		super.configureShell(shell);
		shell.setText("Compare runs: A = " + runs.get(0).name());
	}

	@Override
	protected Point getInitialSize() {
		return new Point(1000, 600);
	}

	@Override
	protected Control createDialogArea(Composite parent) {
		Composite area = (Composite) super.createDialogArea(parent);
		table = new Table(area, SWT.BORDER | SWT.FULL_SELECTION);
		table.setHeaderVisible(true);
		table.setLinesVisible(true);
		GridDataFactory.fillDefaults().grab(true, true).applyTo(table);
		for (String title : new String[] { "Run (B)", "Setting or metric", "A", "B", "B - A" }) {
			TableColumn c = new TableColumn(table, SWT.LEFT);
			c.setText(title);
			c.setWidth(title.equals("Setting or metric") ? 280 : 170);
		}
		RunCatalog.Entry a = runs.get(0);
		for (RunCatalog.Entry b : runs.subList(1, runs.size())) {
			metric(b, "best validation CPM", a.bestValidationCpm(), b.bestValidationCpm());
			metric(b, "best model test CPM", a.bestTestCpm(), b.bestTestCpm());
			metric(b, "ensemble test CPM", a.ensembleCpm(), b.ensembleCpm());
			try {
				Map<String, String[]> diff = RunCatalog.settingsDiff(a.dir(), b.dir());
				if (diff.isEmpty()) {
					row(b.name(), "(no setting differs)", "", "", "");
				}
				for (Map.Entry<String, String[]> d : diff.entrySet()) {
					row(b.name(), d.getKey(), d.getValue()[0], d.getValue()[1], "");
				}
			} catch (IOException e) {
				row(b.name(), "settings unreadable", e.getMessage(), "", "");
			}
		}
		return area;
	}

	private void metric(RunCatalog.Entry b, String what, double va, double vb) {
		row(b.name(), what, RunsView.fmt(va, "%.4f"), RunsView.fmt(vb, "%.4f"),
				Double.isNaN(va) || Double.isNaN(vb) ? "-" : String.format(Locale.ROOT, "%+.4f", vb - va));
	}

	private void row(String... cells) {
		new TableItem(table, SWT.NONE).setText(cells);
	}

	/** The rows (for tests): run, key, A, B, delta. */
	public List<String[]> rows() {
		return java.util.Arrays.stream(table.getItems())
				.map(i -> new String[] { i.getText(0), i.getText(1), i.getText(2), i.getText(3), i.getText(4) }).toList();
	}

	@Override
	protected void createButtonsForButtonBar(Composite parent) {
		createButton(parent, IDialogConstants.OK_ID, IDialogConstants.CLOSE_LABEL, true);
	}
}
