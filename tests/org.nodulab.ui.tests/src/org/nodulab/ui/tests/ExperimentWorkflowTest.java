package org.nodulab.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.eclipse.swtchart.ISeries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.nodulab.luna16.Prediction;
import org.nodulab.eval.froc.FrocCurve;
import org.nodulab.jobs.JobQueue;
import org.nodulab.jobs.JobRecord;
import org.nodulab.jobs.JobSpec;
import org.nodulab.test.support.TinyExperiment;
import org.nodulab.train.ErrorCases;
import org.nodulab.train.RunFroc;
import org.nodulab.ui.internal.CompareDialog;
import org.nodulab.ui.internal.ErrorGalleryView;
import org.nodulab.ui.internal.ExperimentEditor;
import org.nodulab.ui.internal.FrocView;
import org.nodulab.ui.internal.JobsView;
import org.nodulab.ui.internal.NodulabPerspective;
import org.nodulab.ui.internal.OpenExperiment;
import org.nodulab.ui.internal.RunsView;
import org.nodulab.ui.internal.SliceView;
import org.nodulab.ui.internal.TrainingView;
import org.nodulab.ui.internal.WorkbenchJobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * A lab member's day in the workbench on a 4-scan synthetic benchmark: edit an experiment (a bad value
 * gets a marker, undo, save), run it as a job (Jobs, Progress, Runs), look at its FROC curves, its
 * training curves and its worst cases, open a scan in the slice viewer, compare two runs. Screenshots
 * of each view go to target/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExperimentWorkflowTest {

	private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

	private Path dataset;
	private Path experiment;
	private Path example;
	private Path run;

	@BeforeAll
	void data() throws Exception {
		Path work = Ui.work();
		dataset = Ui.dataset();
		// a shipped example, with the benchmark where it expects it (../data/synthetic)
		example = work.resolve("experiments/vgg-quickstart.yaml");
		Files.createDirectories(example.getParent());
		Files.copy(Path.of("../../experiments/vgg-quickstart.yaml"), example, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		experiment = work.resolve("tiny.yaml");
		Files.writeString(experiment, TinyExperiment.yaml("tiny", dataset, "runs", 2, 200));
		Ui.page().setPerspective(PlatformUI().getPerspectiveRegistry().findPerspectiveWithId(NodulabPerspective.ID));
		Ui.processEvents();
	}

	private static org.eclipse.ui.IWorkbench PlatformUI() {
		return org.eclipse.ui.PlatformUI.getWorkbench();
	}

	@Test
	@Order(1)
	void theEditorShowsAMarkerForABadValueUndoesAndSavesKeepingComments() throws Exception {
		String original = Files.readString(example);
		ExperimentEditor editor = OpenExperiment.open(Ui.page(), example);
		Ui.processEvents();
		assertEquals(List.of(), editor.problems(), "the shipped example is valid next to the benchmark");
		assertFalse(editor.isDirty());
		Text lr = field(editor, "training.learningRate");
		assertEquals("0.0003", lr.getText(), "3e-4 as a number");
		Text epochs = field(editor, "training.epochs");
		assertEquals("10", epochs.getText());
		assertTrue(editor.fieldPaths().contains("architectures[0].settings.filters"), "the architecture's own settings are in the form");
		assertTrue(editor.fieldPaths().contains("augmentations[2].probability"), "an augmentation's probability");
		assertEquals("16, 32, 64", field(editor, "architectures[0].settings.filters").getText());

		lr.setText("abc");
		Ui.processEvents();
		assertTrue(editor.isDirty());
		assertTrue(editor.problems().stream().anyMatch(p -> p.path().equals("training.learningRate")), editor.problems().toString());
		assertTrue(editor.markerShown("training.learningRate"), "a validation marker on the field");
		editor.reveal("training.learningRate");
		Ui.screenshot("editor-validation-marker", editor);

		lr.setText("0.003");
		Ui.processEvents();
		assertEquals(List.of(), editor.problems());
		assertFalse(editor.markerShown("training.learningRate"));
		Thread.sleep(1600); // a separate edit for undo
		epochs.setText("3");
		Ui.processEvents();
		assertTrue(editor.text().contains("epochs: 3"), editor.text());
		editor.undo();
		Ui.processEvents();
		assertEquals("10", field(editor, "training.epochs").getText(), "undo restores the epochs");
		assertEquals("0.003", field(editor, "training.learningRate").getText(), "and keeps the earlier edit");
		assertTrue(editor.isDirty());

		// a structural edit (an augmentation added) and its undo
		String beforeAdd = editor.text();
		((org.eclipse.swt.widgets.Button) editor.field("augmentations+").orElseThrow()).notifyListeners(SWT.Selection, new Event());
		Ui.processEvents();
		assertTrue(editor.fieldPaths().contains("augmentations[3].id"), "a fourth augmentation in the form");
		editor.undo();
		Ui.processEvents();
		assertEquals(beforeAdd, editor.text(), "undo restores the text exactly");

		editor.doSave(null);
		Ui.processEvents();
		assertFalse(editor.isDirty());
		assertEquals(original.replace("learningRate: 3e-4", "learningRate: 0.003"), Files.readString(example),
				"the file changed in that one value; its comments and layout stay");
		editor.showPage(1);
		Ui.processEvents();
		assertEquals(Files.readString(example), editor.source().getText(), "the source tab shows the saved YAML");
		Ui.screenshot("editor-source", editor);
		editor.showPage(0);
		Ui.page().closeEditor(editor, false);
	}

	/** The editor's Scale box lists the file's scales; Run then queues `train FILE --scale NAME`. */
	@Test
	@Order(1)
	void theScaleBoxOffersTheFilesScalesAndRunQueuesThatScale() throws Exception {
		Path scaled = experiment.resolveSibling("scaled.yaml");
		Files.writeString(scaled, Files.readString(experiment).replace("name: tiny", "name: scaled") + """
				scales:
				  quick:
				    description: one epoch
				    overrides:
				      training.epochs: 1
				""");
		ExperimentEditor editor = OpenExperiment.open(Ui.page(), scaled);
		Ui.processEvents();
		assertEquals(List.of(), editor.problems());
		assertEquals(List.of("as written", "quick"), editor.scaleChoices());
		assertEquals(List.of("train", scaled.toAbsolutePath().toString()), editor.jobSpec().command());
		editor.selectScale("quick");
		assertEquals(List.of("train", scaled.toAbsolutePath().toString(), "--scale", "quick"), editor.jobSpec().command());
		assertEquals("train scaled (quick)", editor.jobSpec().title());
		Ui.page().closeEditor(editor, false);
		ExperimentEditor plain = OpenExperiment.open(Ui.page(), experiment);
		Ui.processEvents();
		assertEquals(List.of("as written"), plain.scaleChoices(), "a file without scales");
		Ui.page().closeEditor(plain, false);
	}

	@Test
	@Order(2)
	void runQueuesAJobThatShowsInJobsProgressAndRuns() throws Exception {
		ExperimentEditor editor = OpenExperiment.open(Ui.page(), experiment);
		TrainingView training = Ui.show(TrainingView.ID);
		JobsView jobs = Ui.show(JobsView.ID);
		JobRecord job = editor.run();
		Ui.waitFor(() -> Arrays.stream(Job.getJobManager().find(JobQueue.FAMILY)).anyMatch(j -> j.getName().equals("train tiny")), 120,
				"the training job in the Eclipse job manager (what the Progress view lists)");
		Ui.waitFor(() -> row(jobs, job.id()) != null && row(jobs, job.id()).getText(1).startsWith("running"), 60, "a running row in Jobs");
		Ui.waitFor(() -> WorkbenchJobs.queue().job(job.id()).orElseThrow().runDir() != null, 120, "the job's run folder");
		Path live = Path.of(WorkbenchJobs.queue().job(job.id()).orElseThrow().runDir());
		Ui.waitFor(() -> live.equals(training.run()), 30, "the Training view to follow the running job");
		Ui.show(NodulabPerspective.PROGRESS_VIEW);
		Ui.waitFor(() -> WorkbenchJobs.queue().activity(job.id()).isPresent(), 300, "progress of the job");
		Ui.screenshot("progress-running-job");
		Ui.show(JobsView.ID);
		Ui.screenshot("jobs");
		JobQueue queue = WorkbenchJobs.queue();
		Ui.waitFor(() -> queue.job(job.id()).orElseThrow().state().ended(), 900, "the training job to end");
		JobRecord done = queue.job(job.id()).orElseThrow();
		assertEquals(JobRecord.State.FINISHED, done.state(), done.message());
		run = Path.of(done.runDir());
		Ui.waitFor(() -> row(jobs, job.id()).getText(1).startsWith("finished"), 30, "the finished row in Jobs");

		RunsView runs = Ui.show(RunsView.ID);
		Ui.waitFor(() -> runRow(runs, run) != null, 30, "the run in Runs");
		TableItem item = runRow(runs, run);
		assertEquals("finished", item.getText(2));
		assertEquals("vgg", item.getText(3));
		assertEquals("2", item.getText(4));
		JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
		assertEquals(String.format(Locale.ROOT, "%.4f", summary.path("models").path(0).path("testCpm").asDouble()), item.getText(9));
		Ui.screenshot("runs");
	}

	@Test
	@Order(3)
	void theFrocViewPlotsTheRunsFrocFile() throws Exception {
		FrocView view = Ui.show(FrocView.ID);
		view.show(List.of(run));
		Ui.processEvents();
		List<RunFroc.Curve> curves = view.curves();
		assertEquals(1, curves.size(), "one model, no ensemble");
		RunFroc.Curve c = curves.get(0);
		assertTrue(c.hasBands(), "bootstrap bands (evaluation.bootstrap 200)");
		// the file as the official script writes it: fps, sensitivity, threshold per line
		List<double[]> file = new ArrayList<>();
		for (String line : Files.readAllLines(run.resolve("froc/m0-vgg-test/froc_m0-vgg.txt"))) {
			String[] f = line.split(",");
			file.add(new double[] { Double.parseDouble(f[0]), Double.parseDouble(f[1]) });
		}
		double[] fps = file.stream().mapToDouble(p -> p[0]).toArray();
		double[] sens = file.stream().mapToDouble(p -> p[1]).toArray();
		ISeries<?> curve = view.chart().getSeriesSet().getSeries(c.label());
		assertNotNull(curve, "a series named with the CPM: " + c.label());
		double[] x = curve.getXSeries();
		double[] y = curve.getYSeries();
		assertEquals(0.125, x[0]);
		assertEquals(FrocCurve.interp(0.125, fps, sens), y[0], 1e-12);
		assertEquals(8.0, x[x.length - 1]);
		assertEquals(FrocCurve.interp(8, fps, sens), y[y.length - 1], 1e-12);
		List<double[]> inside = file.stream().filter(p -> p[0] > 0.125 && p[0] < 8).toList();
		assertEquals(inside.size() + 2, x.length, "every point of the file between 1/8 and 8 FPs per scan, plus the two ends");
		for (int i = 0; i < inside.size(); i++) {
			assertEquals(inside.get(i)[0], x[i + 1], 0, "fps of point " + i);
			assertEquals(inside.get(i)[1], y[i + 1], 0, "sensitivity of point " + i);
		}
		ISeries<?> points = view.chart().getSeriesSet().getSeries(c.label() + " operating points");
		assertEquals(List.of(0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0), Arrays.stream(points.getXSeries()).boxed().toList());
		double cpm = Arrays.stream(points.getYSeries()).average().orElseThrow();
		JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
		assertEquals(summary.path("models").path(0).path("testCpm").asDouble(), cpm, 1e-9, "the seven points average to the run's CPM");
		assertTrue(c.label().contains(String.format(Locale.ROOT, "CPM %.3f", cpm)), c.label());
		assertTrue(view.chart().getAxisSet().getXAxis(0).isLogScaleEnabled());
		assertEquals(2.0, view.chart().getAxisSet().getXAxis(0).getLogScaleBase());

		Path png = Ui.work().resolve("froc-export.png");
		Path csv = Ui.work().resolve("froc-export.csv");
		view.exportPng(png);
		view.exportCsv(csv);
		assertTrue(Files.size(png) > 5_000);
		List<String> rows = Files.readAllLines(csv);
		assertEquals("run,curve,cpm,series,fps,sensitivity", rows.get(0));
		assertEquals(1 + fps.length + 7 + 3 * c.bandFps().length, rows.size(), "header, curve, 7 operating points, mean, low and high bands");
		Ui.screenshot("froc", view);
	}

	@Test
	@Order(4)
	void theTrainingViewShowsEveryEpoch() throws Exception {
		TrainingView view = Ui.show(TrainingView.ID);
		view.show(run);
		Ui.processEvents();
		List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
		List<String> header = List.of(lines.get(0).split(","));
		double[] loss = lines.subList(1, lines.size()).stream().mapToDouble(l -> Double.parseDouble(l.split(",")[header.indexOf("train_loss")]))
				.toArray();
		ISeries<?> series = view.chart().getSeriesSet().getSeries("m0-vgg loss");
		assertNotNull(series);
		assertEquals(Arrays.toString(loss), Arrays.toString(series.getYSeries()));
		assertEquals(List.of(1.0, 2.0), Arrays.stream(series.getXSeries()).boxed().toList());
		assertNotNull(view.chart().getSeriesSet().getSeries("m0-vgg validation CPM"));
		Ui.screenshot("training", view);
	}

	@Test
	@Order(5)
	void theErrorGalleryShowsTheWorstCasesAndOpensTheSliceViewer() throws Exception {
		ErrorGalleryView view = Ui.show(ErrorGalleryView.ID);
		view.show(run, null);
		Ui.waitFor(() -> !view.loading(), 120, "the gallery to load");
		List<ErrorGalleryView.Thumbnail> shown = view.thumbnails();
		assertFalse(shown.isEmpty(), "cases shown");
		List<ErrorGalleryView.Thumbnail> positives = shown.stream().filter(t -> t.item().positive()).toList();
		List<ErrorGalleryView.Thumbnail> negatives = shown.stream().filter(t -> !t.item().positive()).toList();
		assertEquals(Math.min(8, negatives.size()), negatives.size());
		for (int i = 1; i < positives.size(); i++) {
			assertTrue(positives.get(i - 1).item().score() <= positives.get(i).item().score(), "positives lowest first");
		}
		for (int i = 1; i < negatives.size(); i++) {
			assertTrue(negatives.get(i - 1).item().score() >= negatives.get(i).item().score(), "negatives highest first");
		}
		positives.forEach(t -> assertTrue(t.item().diameter() > 0, "a positive names its nodule's diameter"));
		for (ErrorGalleryView.Thumbnail t : shown) {
			assertEquals(3, t.planes().length);
			for (byte[] plane : t.planes()) {
				long distinct = new String(plane, java.nio.charset.StandardCharsets.ISO_8859_1).chars().distinct().count();
				assertTrue(distinct > 10, "a thumbnail shows structure (" + distinct + " grey levels)");
			}
		}
		List<Prediction> predictions = org.nodulab.luna16.Luna16Csv.readPredictions(run.resolve("predictions/m0-vgg-test.csv"), true);
		for (ErrorGalleryView.Thumbnail t : shown) {
			assertTrue(predictions.stream().anyMatch(p -> p.seriesuid().equals(t.item().seriesuid()) && p.probability() == t.item().score()),
					"each case is a test prediction of the run");
		}
		Ui.screenshot("error-gallery", view);

		Event click = new Event();
		click.button = 1;
		view.canvases().get(0).notifyListeners(SWT.MouseDown, click);
		Ui.processEvents();
		SliceView slices = (SliceView) Ui.page().findView(SliceView.ID);
		assertNotNull(slices, "a click opens the slice viewer");
		ErrorCases.Case first = shown.get(0).item();
		assertEquals(first.seriesuid(), slices.uid());
		assertTrue(slices.candidatesOnSlice().stream().anyMatch(p -> Math.abs(p.x() - first.x()) < 1e-6 && Math.abs(p.y() - first.y()) < 1e-6),
				"the clicked candidate is drawn on the slice shown");
		int z = slices.slice();
		slices.setSlice(z + 1);
		assertEquals(z + 1, slices.slice());
		slices.setSlice(z);
		Ui.screenshot("slice-viewer", slices);
	}

	@Test
	@Order(6)
	void twoRunsCompareAndTheRunsViewSortsAndFilters() throws Exception {
		JobQueue queue = WorkbenchJobs.queue();
		JobRecord second = queue.submit(new JobSpec("train tiny seed 6", List.of("train", experiment.toString(), "--seed", "6", "--epochs", "1"), null,
				null, 0));
		Ui.waitFor(() -> queue.job(second.id()).orElseThrow().state().ended(), 900, "the second run");
		assertEquals(JobRecord.State.FINISHED, queue.job(second.id()).orElseThrow().state());
		Path other = Path.of(queue.job(second.id()).orElseThrow().runDir());
		RunsView runs = Ui.show(RunsView.ID);
		Ui.waitFor(() -> runRow(runs, other) != null, 30, "the second run in Runs");
		runs.sortBy(4); // epochs, ascending
		Ui.processEvents();
		assertEquals("1", runs.viewer().getTable().getItem(0).getText(4));
		runs.filter().setText("no-such-run");
		Ui.processEvents();
		assertEquals(0, runs.viewer().getTable().getItemCount());
		runs.filter().setText("tiny");
		Ui.processEvents();
		assertEquals(2, runs.viewer().getTable().getItemCount());
		runs.select(List.of(run, other));
		CompareDialog dialog = new CompareDialog(Ui.window().getShell(),
				runs.viewer().getStructuredSelection().toList().stream().map(o -> (org.nodulab.train.RunCatalog.Entry) o).toList());
		dialog.setBlockOnOpen(false);
		dialog.open();
		Ui.processEvents();
		List<String[]> rows = dialog.rows();
		assertTrue(rows.stream().anyMatch(r -> r[1].equals("seed") && !r[2].equals(r[3])), "the seeds differ");
		assertTrue(rows.stream().anyMatch(r -> r[1].equals("training.epochs")), "the epochs differ");
		assertTrue(rows.stream().anyMatch(r -> r[1].equals("best model test CPM") && (r[4].startsWith("+") || r[4].startsWith("-"))),
				"a metric delta");
		org.nodulab.ui.internal.Screenshots.save(dialog.getShell(), Path.of(System.getProperty("nodulab.screenshots", "target/screenshots"))
				.resolve("compare.png"));
		dialog.close();
	}

	/**
	 * Pictures of real runs for the documentation: with {@code -Dnodulab.uitest.runs=DIR[,DIR]} (e.g. the
	 * demo's run) the FROC, training and gallery views show those runs too (skipped otherwise).
	 */
	@Test
	@Order(7)
	void aCancelledRunIsResumedFromTheRunsView() throws Exception {
		JobQueue queue = WorkbenchJobs.queue();
		JobRecord job = queue.submit(JobSpec.of("train tiny to cancel", List.of("train", experiment.toString())));
		Ui.waitFor(() -> queue.activity(job.id()).map(a -> a.contains("epoch 1/")).orElse(false), 300, "the job's first epoch");
		assertTrue(queue.cancel(job.id()));
		Ui.waitFor(() -> queue.job(job.id()).orElseThrow().state().ended(), 300, "the job to stop");
		JobRecord stopped = queue.job(job.id()).orElseThrow();
		assertEquals(JobRecord.State.STOPPED, stopped.state(), stopped.message());
		Path dir = Path.of(stopped.runDir());
		RunsView runs = Ui.show(RunsView.ID);
		runs.filter().setText("");
		Ui.waitFor(() -> runRow(runs, dir) != null, 30, "the stopped run in Runs");
		assertEquals("interrupted", runRow(runs, dir).getText(2));
		runs.select(List.of(dir));
		List<JobRecord> resumed = runs.resume();
		assertEquals(1, resumed.size());
		assertEquals("resume", resumed.get(0).spec().kind());
		Ui.waitFor(() -> queue.job(resumed.get(0).id()).orElseThrow().state().ended(), 600, "the resume job");
		assertEquals(JobRecord.State.FINISHED, queue.job(resumed.get(0).id()).orElseThrow().state());
		Ui.waitFor(() -> "finished".equals(runRow(runs, dir).getText(2)), 30, "the run finished in Runs");
	}

	@Test
	@Order(8)
	void picturesOfGivenRuns() throws Exception {
		String given = System.getProperty("nodulab.uitest.runs", "");
		List<Path> runs = Arrays.stream(given.split(",")).filter(r -> !r.isBlank()).map(Path::of).toList();
		// unset, Maven passes an empty value or "null"
		org.junit.jupiter.api.Assumptions.assumeTrue(!runs.isEmpty() && runs.stream().allMatch(Files::isDirectory),
				"no run folders in -Dnodulab.uitest.runs");
		FrocView froc = Ui.show(FrocView.ID);
		froc.show(runs);
		Ui.screenshot("given-froc", froc);
		TrainingView training = Ui.show(TrainingView.ID);
		training.show(runs.get(0));
		Ui.screenshot("given-training", training);
		ErrorGalleryView gallery = Ui.show(ErrorGalleryView.ID);
		gallery.show(runs.get(0), null);
		Ui.waitFor(() -> !gallery.loading(), 120, "the gallery");
		Ui.screenshot("given-errors", gallery);
	}

	private static Text field(ExperimentEditor editor, String path) {
		return (Text) editor.field(path).orElseThrow(() -> new AssertionError("no field " + path));
	}

	private static TableItem row(JobsView view, String id) {
		view.refresh();
		for (TableItem i : view.viewer().getTable().getItems()) {
			if (i.getText(0).equals(id)) {
				return i;
			}
		}
		return null;
	}

	private static TableItem runRow(RunsView view, Path dir) {
		view.refresh();
		for (TableItem i : view.viewer().getTable().getItems()) {
			if (((org.nodulab.train.RunCatalog.Entry) i.getData()).dir().toAbsolutePath().equals(dir.toAbsolutePath())) {
				return i;
			}
		}
		return null;
	}
}
