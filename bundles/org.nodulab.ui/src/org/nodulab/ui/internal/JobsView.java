package org.nodulab.ui.internal;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.layout.TableColumnLayout;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.program.Program;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.part.ViewPart;
import org.nodulab.jobs.JobQueue;
import org.nodulab.jobs.JobRecord;

/**
 * The job queue: queued, running and ended jobs with their device, priority and current task (with ETA);
 * cancel (a running job stops at a batch boundary after a checkpoint), resume a stopped or interrupted
 * job, open a job's log. The Progress view shows the running ones as Eclipse jobs.
 */
public class JobsView extends ViewPart {

	public static final String ID = "org.nodulab.ui.views.jobs";

	private TableViewer viewer;
	private JobQueue queue;
	private final JobQueue.Listener listener = new JobQueue.Listener() {
		@Override
		public void changed(JobRecord job) {
			refreshLater();
		}

		@Override
		public void progress(JobRecord job, String task, long done, long total, double eta) {
			refreshLater();
		}
	};
	private volatile boolean refreshPending;
	private Action cancel;
	private Action resume;

	@Override
	public void createPartControl(Composite parent) {
		Composite holder = new Composite(parent, SWT.NONE);
		TableColumnLayout layout = new TableColumnLayout();
		holder.setLayout(layout);
		viewer = new TableViewer(holder, SWT.BORDER | SWT.FULL_SELECTION | SWT.MULTI);
		viewer.getTable().setHeaderVisible(true);
		viewer.getTable().setLinesVisible(true);
		column(layout, "Job", 14, JobRecord::id);
		column(layout, "State", 8, r -> r.state().name().toLowerCase(Locale.ROOT) + (r.resumable() ? " (resumable)" : ""));
		column(layout, "Kind", 8, r -> r.spec().kind());
		column(layout, "Priority", 5, r -> Integer.toString(r.spec().priority()));
		column(layout, "Device", 5, r -> r.device() == null ? (r.spec().device() == null ? "" : r.spec().device()) : r.device());
		column(layout, "Title", 18, r -> r.spec().title());
		column(layout, "Now / result", 40, r -> queue.activity(r.id()).orElse(r.message() == null ? "" : r.message()));
		viewer.setContentProvider(ArrayContentProvider.getInstance());
		getSite().setSelectionProvider(viewer);

		cancel = new Action("Cancel") {
			@Override
			public void run() {
				for (JobRecord r : selected()) {
					try {
						queue.cancel(r.id());
					} catch (IOException | IllegalArgumentException e) {
						MessageDialog.openError(getSite().getShell(), "Cancel", e.getMessage());
					}
				}
			}
		};
		cancel.setToolTipText("Cancel: a queued job never runs; a running one stops at the next batch boundary after a checkpoint");
		resume = new Action("Resume") {
			@Override
			public void run() {
				for (JobRecord r : selected()) {
					try {
						queue.resume(r.id());
					} catch (IOException | IllegalArgumentException e) {
						MessageDialog.openError(getSite().getShell(), "Resume", e.getMessage());
					}
				}
			}
		};
		resume.setToolTipText("Queue a job that continues the run from its last checkpoint");
		Action log = new Action("Log") {
			@Override
			public void run() {
				for (JobRecord r : selected()) {
					Program.launch(queue.log(r.id()).toString());
				}
			}
		};
		IToolBarManager toolbar = getViewSite().getActionBars().getToolBarManager();
		toolbar.add(cancel);
		toolbar.add(resume);
		toolbar.add(log);
		getViewSite().getActionBars().updateActionBars();

		queue = WorkbenchServices.of(getSite()).queue();
		queue.addListener(listener);
		refresh();
		if (queue.isClient()) {
			pollWhileClient(viewer.getControl().getDisplay());
		}
	}

	/** Cancels the job (as the toolbar's Cancel does). */
	public void cancel(String id) throws IOException {
		queue.cancel(id);
	}

	/** Re-reads the queue. */
	public void refresh() {
		if (viewer.getControl().isDisposed()) {
			return;
		}
		// newest at the top: the last queued job first, down to the next one to start, the running ones, then the ended ones
		List<JobRecord> jobs = queue.jobsInOrder().reversed();
		viewer.setInput(jobs);
		boolean anyResumable = !queue.resumable().isEmpty();
		setContentDescription(String.format(Locale.ROOT, "%d queued, %d running, %d ended; devices %s; queue %s%s",
				jobs.stream().filter(r -> r.state() == JobRecord.State.QUEUED).count(),
				jobs.stream().filter(r -> r.state() == JobRecord.State.RUNNING).count(),
				jobs.stream().filter(r -> r.state().ended()).count(), queue.devices(), queue.dir(),
				(queue.isClient() ? ", run by another process (nodulab jobs run, a campaign, another workbench): its jobs run there; "
						+ "this window lists, submits and cancels" : "")
						+ (anyResumable ? " - interrupted runs can be resumed (select, Resume)" : "")));
	}

	/** Another process runs the queue and tells this one nothing: the view re-reads the folder every 2 seconds. */
	private void pollWhileClient(org.eclipse.swt.widgets.Display display) {
		display.timerExec(2000, () -> {
			if (!viewer.getControl().isDisposed()) {
				refresh();
				pollWhileClient(display);
			}
		});
	}

	/** The rows shown, newest first (for tests). */
	public TableViewer viewer() {
		return viewer;
	}

	private void refreshLater() {
		if (refreshPending) {
			return;
		}
		refreshPending = true;
		Display display = viewer.getControl().getDisplay();
		display.asyncExec(() -> display.timerExec(200, () -> {
			refreshPending = false;
			refresh();
		}));
	}

	private List<JobRecord> selected() {
		return ((IStructuredSelection) viewer.getSelection()).toList().stream().map(JobRecord.class::cast).toList();
	}

	private void column(TableColumnLayout layout, String title, int weight, Function<JobRecord, String> text) {
		Columns.add(viewer, layout, title, weight, JobRecord.class, text);
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
