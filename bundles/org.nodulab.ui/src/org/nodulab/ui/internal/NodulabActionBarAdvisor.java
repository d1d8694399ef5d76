package org.nodulab.ui.internal;

import java.nio.file.Path;
import java.util.List;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.GroupMarker;
import org.eclipse.jface.action.IContributionItem;
import org.eclipse.jface.action.IMenuManager;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.ui.IWorkbenchActionConstants;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.actions.ActionFactory;
import org.eclipse.ui.actions.ActionFactory.IWorkbenchAction;
import org.eclipse.ui.actions.ContributionItemFactory;
import org.eclipse.ui.application.ActionBarAdvisor;
import org.eclipse.ui.application.IActionBarConfigurer;
import org.nodulab.core.dropins.Dropins;

/**
 * The workbench menus: File (open an experiment, screen a scan, install a model bundle, save, exit), Edit (undo, redo),
 * Window (views, perspective, preferences) and Help.
 */
public class NodulabActionBarAdvisor extends ActionBarAdvisor {

	private IWorkbenchAction quit;
	private IWorkbenchAction save;
	private IWorkbenchAction undo;
	private IWorkbenchAction redo;
	private IWorkbenchAction resetPerspective;
	private IWorkbenchAction preferences;
	private IWorkbenchAction about;
	private IContributionItem views;
	private Action openExperiment;
	private Action installBundle;
	private Action crossValidate;
	private Action evaluate;
	private Action screen;

	public NodulabActionBarAdvisor(IActionBarConfigurer configurer) {
		super(configurer);
	}

	@Override
	protected void makeActions(IWorkbenchWindow window) {
		quit = ActionFactory.QUIT.create(window);
		register(quit);
		save = ActionFactory.SAVE.create(window);
		register(save);
		undo = ActionFactory.UNDO.create(window);
		register(undo);
		redo = ActionFactory.REDO.create(window);
		register(redo);
		resetPerspective = ActionFactory.RESET_PERSPECTIVE.create(window);
		register(resetPerspective);
		preferences = ActionFactory.PREFERENCES.create(window);
		register(preferences);
		about = ActionFactory.ABOUT.create(window);
		register(about);
		views = ContributionItemFactory.VIEWS_SHORTLIST.create(window);
		openExperiment = new Action("&Open Experiment or Campaign...") {
			@Override
			public void run() {
				FileDialog d = new FileDialog(window.getShell(), SWT.OPEN);
				d.setFilterExtensions(new String[] { "*.yaml;*.yml", "*" });
				String f = d.open();
				if (f != null) {
					try {
						OpenExperiment.openFile(window.getActivePage(), Path.of(f));
					} catch (Exception e) {
						MessageDialog.openError(window.getShell(), "Open experiment", e.getMessage());
					}
				}
			}
		};
		crossValidate = new Action("&Cross-Validate Experiment...") {
			@Override
			public void run() {
				Path experiment = null;
				if (window.getActivePage() != null && window.getActivePage().getActiveEditor() instanceof ExperimentEditor editor) {
					experiment = editor.file();
				}
				if (experiment == null) {
					FileDialog d = new FileDialog(window.getShell(), SWT.OPEN);
					d.setFilterExtensions(new String[] { "*.yaml;*.yml", "*" });
					String f = d.open();
					if (f == null) {
						return;
					}
					experiment = Path.of(f);
				}
				new WorkDialog(window.getShell(), new WorkForm.CrossValidate(experiment), WorkbenchServices.of(window)).open();
			}
		};
		evaluate = new Action("&Evaluate Submission...") {
			@Override
			public void run() {
				new WorkDialog(window.getShell(), new WorkForm.Evaluate(null, null), WorkbenchServices.of(window)).open();
			}
		};
		screen = new Action("&Screen Scan...") {
			@Override
			public void run() {
				Path run = null;
				if (window.getActivePage() != null && window.getActivePage().findView(RunsView.ID) instanceof RunsView runs) {
					List<Path> selected = runs.selectedRuns();
					run = selected.isEmpty() ? null : selected.get(0);
				}
				new WorkDialog(window.getShell(), new WorkForm.Screen(run), WorkbenchServices.of(window)).open();
			}
		};
		installBundle = new Action("&Install Model Bundle...") {
			@Override
			public void run() {
				FileDialog d = new FileDialog(window.getShell(), SWT.OPEN);
				d.setText("Install a bundle (architecture, augmentation, reader...) into " + Dropins.folder());
				d.setFilterExtensions(new String[] { "*.jar" });
				String f = d.open();
				if (f != null) {
					try {
						Dropins.Report r = InstallBundle.install(Path.of(f));
						MessageDialog.openInformation(window.getShell(), "Install model bundle",
								"Installed " + r.installed() + (r.updated().isEmpty() ? "" : ", updated " + r.updated())
										+ ". Its contributions appear in the catalogue now.");
					} catch (Exception e) {
						MessageDialog.openError(window.getShell(), "Install model bundle", e.getMessage());
					}
				}
			}
		};
	}

	@Override
	protected void fillMenuBar(IMenuManager menuBar) {
		MenuManager file = new MenuManager("&File", IWorkbenchActionConstants.M_FILE);
		file.add(new GroupMarker(IWorkbenchActionConstants.FILE_START));
		file.add(openExperiment);
		file.add(save);
		file.add(new Separator());
		file.add(screen);
		file.add(installBundle);
		file.add(new GroupMarker(IWorkbenchActionConstants.MB_ADDITIONS));
		file.add(new Separator());
		file.add(quit);
		menuBar.add(file);
		MenuManager edit = new MenuManager("&Edit", IWorkbenchActionConstants.M_EDIT);
		edit.add(undo);
		edit.add(redo);
		menuBar.add(edit);
		MenuManager run = new MenuManager("&Run", "org.nodulab.ui.menu.run");
		run.add(crossValidate);
		run.add(evaluate);
		menuBar.add(run);
		menuBar.add(new GroupMarker(IWorkbenchActionConstants.MB_ADDITIONS));
		MenuManager window = new MenuManager("&Window", IWorkbenchActionConstants.M_WINDOW);
		MenuManager showView = new MenuManager("Show &View", "showView");
		showView.add(views);
		window.add(showView);
		window.add(resetPerspective);
		window.add(new Separator());
		window.add(preferences);
		menuBar.add(window);
		MenuManager help = new MenuManager("&Help", IWorkbenchActionConstants.M_HELP);
		help.add(about);
		menuBar.add(help);
	}
}
