package org.nodulab.ui.internal;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.swt.SWT;
import org.eclipse.swt.SWTError;
import org.eclipse.swt.browser.Browser;
import org.eclipse.swt.browser.ProgressListener;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.part.ViewPart;

/**
 * A run's report.html inside the workbench (SWT's browser, WebKitGTK on Linux): the same self-contained page
 * {@code nodulab train} writes and any browser opens. Where the system has no web view, the view says what to
 * install and where the report is.
 */
public class ReportView extends ViewPart {

	public static final String ID = "org.nodulab.ui.views.report";

	private Browser browser;
	private Text fallback;
	private Path shown;
	private volatile boolean loaded;

	@Override
	public void createPartControl(Composite parent) {
		parent.setLayout(new FillLayout());
		try {
			browser = new Browser(parent, SWT.NONE);
			browser.addProgressListener(ProgressListener.completedAdapter(e -> loaded = true));
		} catch (SWTError e) {
			fallback = new Text(parent, SWT.MULTI | SWT.READ_ONLY | SWT.WRAP);
			fallback.setText("This system has no web view for the report (" + e.getMessage()
					+ "). On Debian: apt-get install libwebkit2gtk-4.1-0 (releng/setup-debian.sh installs it). The report is a file any browser opens.");
		}
	}

	/** Shows a report file. */
	public void show(Path report) {
		shown = report;
		setPartName("Report: " + (report.getParent() == null ? report : report.getParent().getFileName()));
		setContentDescription(report.toString());
		if (!Files.exists(report)) {
			setContentDescription(report + " does not exist yet (it is written when the run ends)");
			return;
		}
		loaded = false;
		if (browser != null) {
			browser.setUrl(report.toUri().toString());
		} else {
			fallback.setText(fallback.getText() + "\n\n" + report);
		}
	}

	/** The report shown, or null. */
	public Path shown() {
		return shown;
	}

	/** Whether the page has finished loading (false without a web view). */
	public boolean loaded() {
		return browser != null && loaded;
	}

	/** The text content of the page (for tests), or null without a web view. */
	public String pageText() {
		return browser == null ? null : (String) browser.evaluate("return document.body.innerText;");
	}

	@Override
	public void setFocus() {
		if (browser != null) {
			browser.setFocus();
		} else if (fallback != null) {
			fallback.setFocus();
		}
	}
}
