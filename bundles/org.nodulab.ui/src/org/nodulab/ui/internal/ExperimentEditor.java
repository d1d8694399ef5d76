package org.nodulab.ui.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.ui.IEditorInput;
import org.eclipse.ui.IEditorSite;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.actions.ActionFactory;
import org.eclipse.ui.part.MultiPageEditorPart;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.core.io.AtomicFiles;
import org.nodulab.core.registry.ContributionCatalog;
import org.nodulab.core.settings.SettingsCodec;
import org.nodulab.core.settings.SettingsException;
import org.nodulab.core.settings.SettingsProblem;
import org.nodulab.jobs.JobRecord;
import org.nodulab.jobs.JobSpec;
import org.nodulab.train.ExperimentFiles;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An experiment file as a form generated from the settings classes (page "Form") and as YAML (page
 * "Source"). Every change is validated as {@code nodulab validate} would (settings, contributions, data):
 * the problems appear at the top and as markers on the fields. Dirty state, undo/redo (Ctrl+Z, Ctrl+Y),
 * save (atomic), and Run, which saves and queues a training job.
 *
 * <p>The source is the document: a form edit changes the value in the text where the key stands (comments
 * and layout stay); adding or removing contributions, or a key the file does not have yet, rewrites
 * the document from the tree, which drops comments.
 */
public class ExperimentEditor extends MultiPageEditorPart {

	public static final String ID = "org.nodulab.ui.editors.experiment";
	private static final long COALESCE_MILLIS = 1500;

	private Path file;
	private String text;
	private String savedText;
	private ObjectNode tree;
	private final Deque<String> undo = new ArrayDeque<>();
	private final Deque<String> redo = new ArrayDeque<>();
	private String lastEditPath;
	private long lastEditTime;
	private ExperimentForm form;
	private StyledText source;
	private Label sourceStatus;
	private Spinner priority;
	private Combo scale;

	/** The scale choice that runs the file as it is written. */
	private static final String AS_WRITTEN = "as written";
	private List<SettingsProblem> problems = List.of();
	private boolean settingSource;
	private Action undoAction;
	/** Looked up once: the form validates after every keystroke. */
	private ExperimentValidator validator;
	private Action redoAction;

	@Override
	public void init(IEditorSite site, IEditorInput input) throws PartInitException {
		super.init(site, input);
		file = ViewActions.file(input, "experiment editor");
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
	protected void createPages() {
		Composite formPage = new Composite(getContainer(), SWT.NONE);
		GridLayoutFactory.fillDefaults().applyTo(formPage);
		Composite bar = new Composite(formPage, SWT.NONE);
		GridLayoutFactory.fillDefaults().numColumns(8).margins(6, 4).applyTo(bar);
		Label heading = new Label(bar, SWT.NONE);
		heading.setText(file.getFileName().toString());
		heading.setToolTipText(file.toString());
		GridDataFactory.fillDefaults().grab(true, false).applyTo(heading);
		button(bar, "Undo", this::undo);
		new Label(bar, SWT.NONE).setText("Priority:");
		priority = new Spinner(bar, SWT.BORDER);
		priority.setValues(0, -100, 100, 0, 1, 10);
		priority.setToolTipText("Higher runs first among queued jobs of a device");
		new Label(bar, SWT.NONE).setText("Scale:");
		scale = new Combo(bar, SWT.READ_ONLY);
		scale.setItems(AS_WRITTEN);
		scale.select(0);
		scale.setToolTipText("Run the experiment as written or at one of its scales (scales.<name> in the file; nodulab train --scale NAME)");
		Button run = button(bar, "Run", this::runFromButton);
		run.setToolTipText("Save and queue a training job of this experiment");
		button(bar, "Validate", this::validate);
		validator = WorkbenchServices.of(getSite()).get(ExperimentValidator.class);
		form = new ExperimentForm(formPage, validator.codec(), WorkbenchServices.of(getSite()).get(ContributionCatalog.class), this::formEdited);
		GridDataFactory.fillDefaults().grab(true, true).applyTo(form.control());
		setPageText(addPage(formPage), "Form");

		Composite sourcePage = new Composite(getContainer(), SWT.NONE);
		GridLayoutFactory.fillDefaults().applyTo(sourcePage);
		sourceStatus = new Label(sourcePage, SWT.WRAP);
		GridDataFactory.fillDefaults().grab(true, false).applyTo(sourceStatus);
		source = new StyledText(sourcePage, SWT.BORDER | SWT.MULTI | SWT.V_SCROLL | SWT.H_SCROLL);
		source.setFont(org.eclipse.jface.resource.JFaceResources.getTextFont());
		GridDataFactory.fillDefaults().grab(true, true).applyTo(source);
		source.setText(text);
		source.addModifyListener(e -> sourceEdited());
		setPageText(addPage(sourcePage), "Source");

		undoAction = new Action("Undo") {
			@Override
			public void run() {
				undo();
			}
		};
		redoAction = new Action("Redo") {
			@Override
			public void run() {
				redo();
			}
		};
		getEditorSite().getActionBars().setGlobalActionHandler(ActionFactory.UNDO.getId(), undoAction);
		getEditorSite().getActionBars().setGlobalActionHandler(ActionFactory.REDO.getId(), redoAction);
		getEditorSite().getActionBars().updateActionBars();
		loadTree(text);
		validate();
		updateActions();
	}

	private static Button button(Composite parent, String label, Runnable action) {
		Button b = new Button(parent, SWT.PUSH);
		b.setText(label);
		b.addListener(SWT.Selection, e -> action.run());
		return b;
	}

	/** Parses the text into the tree and rebuilds the form; false (and a message) when it is not YAML. */
	private boolean loadTree(String yaml) {
		try {
			SettingsCodec.Document d = validator.codec().parse(file.getFileName().toString(), yaml);
			if (!(d.root() instanceof ObjectNode o)) {
				sourceStatus.setText("the file must be a YAML mapping (name: ..., dataset: ...)");
				return false;
			}
			tree = o;
			form.setInput(tree);
			updateScales();
			sourceStatus.setText("");
			return true;
		} catch (SettingsException e) {
			sourceStatus.setText(e.getMessage());
			problems = e.problems();
			return false;
		}
	}

	private void formEdited(String path, boolean structural) {
		long now = System.currentTimeMillis();
		boolean coalesce = !structural && path.equals(lastEditPath) && now - lastEditTime < COALESCE_MILLIS;
		String before = text;
		SettingsCodec codec = validator.codec();
		// change the value in place when possible (comments and layout stay), else write the tree
		com.fasterxml.jackson.databind.JsonNode value = structural ? null : form.at(path);
		text = structural ? codec.toYaml(tree)
				: org.nodulab.core.settings.YamlTextEdit.set(codec, before, path, value.isMissingNode() ? null : value, tree)
						.orElseGet(() -> codec.toYaml(tree));
		if (!coalesce && !before.equals(text)) {
			undo.push(before);
			redo.clear();
		}
		lastEditPath = structural ? null : path;
		lastEditTime = now;
		updateScales();
		settingSource = true;
		try {
			source.setText(text);
		} finally {
			settingSource = false;
		}
		validate();
		dirtyChanged();
	}

	private void sourceEdited() {
		if (settingSource) {
			return;
		}
		long now = System.currentTimeMillis();
		if (!"source".equals(lastEditPath) || now - lastEditTime >= COALESCE_MILLIS) {
			undo.push(text);
			redo.clear();
		}
		lastEditPath = "source";
		lastEditTime = now;
		text = source.getText();
		dirtyChanged();
	}

	@Override
	protected void pageChange(int newPageIndex) {
		if (newPageIndex == 0 && !text.equals(treeText())) {
			if (!loadTree(text)) {
				setActivePage(1);
				return;
			}
			validate();
		}
		super.pageChange(newPageIndex);
	}

	private String treeText() {
		return tree == null ? "" : validator.codec().toYaml(tree);
	}

	/** Undoes the last edit (form or source). */
	public void undo() {
		if (undo.isEmpty()) {
			return;
		}
		redo.push(text);
		restore(undo.pop());
	}

	/** Redoes an undone edit. */
	public void redo() {
		if (redo.isEmpty()) {
			return;
		}
		undo.push(text);
		restore(redo.pop());
	}

	private void restore(String yaml) {
		text = yaml;
		lastEditPath = null;
		settingSource = true;
		try {
			source.setText(text);
		} finally {
			settingSource = false;
		}
		loadTree(text);
		validate();
		dirtyChanged();
	}

	/** Validates the current text as {@code nodulab validate} does; shows and returns the problems. */
	public List<SettingsProblem> validate() {
		String name = file.getFileName().toString();
		try {
			SettingsCodec.Document d = validator.codec().parse(name, text);
			ExperimentFiles.validate(validator, d, file.toAbsolutePath().getParent(), null);
			problems = List.of();
		} catch (SettingsException e) {
			problems = e.problems();
		} catch (RuntimeException e) {
			problems = List.of(new SettingsProblem("", 0, e.getMessage()));
		}
		form.showProblems(name, problems);
		return problems;
	}

	@Override
	public void doSave(IProgressMonitor monitor) {
		try {
			save();
		} catch (IOException e) {
			MessageDialog.openError(getSite().getShell(), "Save", "cannot save " + file + ": " + e.getMessage());
		}
	}

	/** Writes the file (atomically: a temporary file renamed over it). */
	public void save() throws IOException {
		String toWrite = text;
		AtomicFiles.replace(file, out -> out.write(toWrite.getBytes(StandardCharsets.UTF_8)));
		savedText = toWrite;
		dirtyChanged();
	}

	private void runFromButton() {
		try {
			run();
		} catch (IOException | IllegalStateException | IllegalArgumentException e) {
			MessageDialog.openError(getSite().getShell(), "Run", e.getMessage());
		}
	}

	/**
	 * Saves and queues a training job of the experiment.
	 *
	 * @throws IllegalStateException when the experiment has problems (they are listed)
	 */
	public JobRecord run() throws IOException {
		if (!validate().isEmpty()) {
			throw new IllegalStateException("fix the " + problems.size() + " problem(s) first:\n" + form.problemsText());
		}
		if (isDirty()) {
			save();
		}
		return WorkbenchServices.of(getSite()).queue().submit(jobSpec());
	}

	/** The training job that Run queues: {@code nodulab train FILE [--scale NAME]} at the chosen priority. */
	public JobSpec jobSpec() {
		String name = tree.path("name").asText(file.getFileName().toString());
		String chosen = scale.getSelectionIndex() > 0 ? scale.getItem(scale.getSelectionIndex()) : null;
		List<String> command = new java.util.ArrayList<>(List.of("train", file.toAbsolutePath().toString()));
		if (chosen != null) {
			command.addAll(List.of("--scale", chosen));
		}
		return new JobSpec("train " + name + (chosen != null ? " (" + chosen + ")" : ""), List.copyOf(command), null, null, priority.getSelection());
	}

	/** The choices of the Scale box: "as written", then the file's scales. */
	public List<String> scaleChoices() {
		return List.of(scale.getItems());
	}

	/** Chooses a scale by name (null: as written). */
	public void selectScale(String name) {
		int index = name == null ? 0 : scale.indexOf(name);
		if (index < 0) {
			throw new IllegalArgumentException("no scale '" + name + "'; choices: " + scaleChoices());
		}
		scale.select(index);
	}

	/** The Scale box follows the file's scales, keeping the choice while the file still has it. */
	private void updateScales() {
		List<String> names = new java.util.ArrayList<>(List.of(AS_WRITTEN));
		if (tree != null && tree.path("scales") instanceof ObjectNode scales) {
			scales.fieldNames().forEachRemaining(names::add);
		}
		if (!names.equals(scaleChoices())) {
			String chosen = scale.getSelectionIndex() > 0 ? scale.getItem(scale.getSelectionIndex()) : null;
			scale.setItems(names.toArray(String[]::new));
			scale.select(Math.max(0, chosen == null ? 0 : names.indexOf(chosen)));
			scale.getParent().layout(true);
		}
	}

	@Override
	public boolean isDirty() {
		return text != null && !text.equals(savedText);
	}

	private void dirtyChanged() {
		updateActions();
		firePropertyChange(PROP_DIRTY);
	}

	private void updateActions() {
		if (undoAction != null) {
			undoAction.setEnabled(!undo.isEmpty());
			redoAction.setEnabled(!redo.isEmpty());
		}
	}

	@Override
	public void doSaveAs() {
		throw new UnsupportedOperationException();
	}

	@Override
	public boolean isSaveAsAllowed() {
		return false;
	}

	/** The form's field of a key path, e.g. {@code training.learningRate} (for tests). */
	public java.util.Optional<org.eclipse.swt.widgets.Control> field(String path) {
		return form.field(path);
	}

	/** Scrolls the form to the field of this path and gives it the focus. */
	public void reveal(String path) {
		form.reveal(path);
	}

	/** Every field's key path. */
	public List<String> fieldPaths() {
		return form.paths();
	}

	/** Whether a validation marker shows on the field of this path. */
	public boolean markerShown(String path) {
		return form.markerShown(path);
	}

	/** The YAML text as it would be saved. */
	public String text() {
		return text;
	}

	/** The file. */
	public Path file() {
		return file;
	}

	/** The problems of the last validation. */
	public List<SettingsProblem> problems() {
		return problems;
	}

	/** Shows the form (0) or the source (1). */
	public void showPage(int index) {
		setActivePage(index);
		pageChange(index);
	}

	/** The source page's text widget (for tests). */
	public StyledText source() {
		return source;
	}
}
