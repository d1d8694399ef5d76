package org.nodulab.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.eclipse.jface.action.ActionContributionItem;
import org.eclipse.swt.widgets.TableItem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.nodulab.jobs.JobQueue;
import org.nodulab.jobs.JobRecord;
import org.nodulab.jobs.JobSpec;
import org.nodulab.test.support.TinyExperiment;
import org.nodulab.train.RunFroc;
import org.nodulab.ui.internal.FindingsView;
import org.nodulab.ui.internal.FrocView;
import org.nodulab.ui.internal.SliceView;
import org.nodulab.ui.internal.NodulabPerspective;
import org.nodulab.ui.internal.ReportView;
import org.nodulab.ui.internal.RunsView;
import org.nodulab.ui.internal.WorkDialog;
import org.nodulab.ui.internal.WorkForm;
import org.nodulab.ui.internal.WorkbenchServices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The work the workbench starts besides training (issue 16), each through its dialog as a user would: a
 * bad value first (the command's own check names it and nothing is queued), then the job, run by the
 * queue as the command line the dialog shows. Cross-validation, prediction with TTA, evaluation of a
 * submission shown in the FROC view, an ensemble refused by the leakage guard then a fold merge, a
 * model deleted with a reason, and a run's report inside the workbench. Screenshots go to
 * target/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkActionsTest {

	private Path work;
	private Path dataset;
	private Path experiment;
	private Path runs;
	private Path cv;
	private Path run;
	private JobQueue queue;

	@BeforeAll
	void setUp() throws Exception {
		dataset = Ui.dataset();
		work = Ui.work().resolve("work-actions");
		Files.createDirectories(work);
		runs = work.resolve("runs");
		experiment = work.resolve("actions.yaml");
		Files.writeString(experiment, TinyExperiment.yaml("actions", dataset, "runs", 2, 0));
		queue = WorkbenchServices.ofWorkbench().queue();
		Ui.page().setPerspective(org.eclipse.ui.PlatformUI.getWorkbench().getPerspectiveRegistry().findPerspectiveWithId(NodulabPerspective.ID));
		Ui.processEvents();
	}

	private static WorkDialog open(WorkForm form) {
		WorkDialog d = new WorkDialog(Ui.window().getShell(), form, WorkbenchServices.ofWorkbench());
		d.setBlockOnOpen(false);
		d.open();
		Ui.processEvents();
		return d;
	}

	private static void screenshot(String name, WorkDialog d) throws Exception {
		d.getShell().layout(true, true);
		d.getShell().redraw();
		d.getShell().update();
		Ui.processEvents();
		Thread.sleep(300); // the X server paints what the dialog drew
		Ui.processEvents();
		org.nodulab.ui.internal.Screenshots.save(d.getShell(),
				Path.of(System.getProperty("nodulab.screenshots", "target/screenshots")).resolve(name + ".png"));
	}

	private JobRecord finished(JobRecord job, int seconds) {
		assertNotNull(job, "a job was queued");
		Ui.waitFor(() -> queue.job(job.id()).orElseThrow().state().ended(), seconds, "job " + job.spec().title());
		JobRecord done = queue.job(job.id()).orElseThrow();
		assertEquals(JobRecord.State.FINISHED, done.state(), done.message());
		return done;
	}

	private RunsView runsView(Path... select) throws Exception {
		RunsView view = Ui.show(RunsView.ID);
		view.addFolder(runs);
		view.filter().setText("");
		for (Path p : select) {
			Ui.waitFor(() -> row(view, p) != null, 30, p.getFileName() + " in Runs");
		}
		view.select(List.of(select));
		Ui.processEvents();
		return view;
	}

	private static TableItem row(RunsView view, Path dir) {
		view.refresh();
		for (TableItem i : view.viewer().getTable().getItems()) {
			if (i.getData() instanceof org.nodulab.train.RunCatalog.Entry e && e.dir().equals(dir)) {
				return i;
			}
		}
		return null;
	}

	@Test
	@Order(1)
	void crossValidationIsCheckedThenRunsAsOneJob() throws Exception {
		WorkDialog d = open(new WorkForm.CrossValidate(experiment));
		d.type("folds", "1");
		d.pressQueue();
		assertNull(d.queued(), "nothing is queued while the command's check finds a problem");
		assertTrue(d.shownProblems().stream().anyMatch(p -> p.contains("cross-validation needs 2 folds or more, got 1")), d.shownProblems().toString());
		screenshot("cross-validate-problem", d);
		d.type("experiment", work.resolve("missing.yaml").toString());
		d.pressQueue();
		assertTrue(d.shownProblems().stream().anyMatch(p -> p.contains("missing.yaml")), d.shownProblems().toString());
		d.type("experiment", experiment.toString());
		d.type("folds", "2");
		assertEquals("nodulab cv " + experiment + " --folds 2", d.shownCommandLine());
		d.pressQueue();
		JobRecord job = d.queued();
		assertNotNull(job, d.shownProblems().toString());
		assertEquals(List.of("cv", experiment.toString(), "--folds", "2"), job.spec().command());
		Ui.waitFor(() -> queue.activity(job.id()).map(a -> a.contains("epoch")).orElse(false)
				|| queue.job(job.id()).orElseThrow().state().ended(), 300, "the progress of the cross-validation");
		JobRecord done = finished(job, 900);
		cv = Path.of(done.runDir());
		assertTrue(Files.isRegularFile(cv.resolve("merged/m0-vgg-test.csv")), "the folds' merged test predictions");
		assertTrue(Files.isRegularFile(cv.resolve("fold-1/summary.json")));
		assertTrue(done.message().contains("merged CPM"), done.message());
	}

	@Test
	@Order(2)
	void aRunToWorkOn() throws Exception {
		run = Path.of(finished(queue.submit(JobSpec.of("train actions", List.of("train", experiment.toString()))), 900).runDir());
		RunsView view = runsView(run);
		List<String> labels = Arrays.stream(view.getViewSite().getActionBars().getToolBarManager().getItems())
				.filter(i -> i instanceof ActionContributionItem).map(i -> ((ActionContributionItem) i).getAction().getText()).toList();
		assertTrue(labels.containsAll(List.of("Predict...", "Ensemble...", "Evaluate...", "Screen...", "Export Model...", "Delete Model...", "Report")), labels.toString());
	}

	/** Issue 20: screening a scan from the Runs view; the findings in their view, each opening the slice viewer. */
	@Test
	@Order(3)
	void aScreenedScansFindingsOpenTheSliceViewer() throws Exception {
		RunsView view = runsView(run);
		WorkForm.Screen form = assertInstanceOf(WorkForm.Screen.class, view.workForm("Screen"));
		assertEquals(run.toString(), form.get("models"));
		Path scan;
		try (java.util.stream.Stream<Path> files = Files.list(dataset.resolve("subset3"))) {
			scan = files.filter(p -> p.toString().endsWith(".mhd")).sorted().findFirst().orElseThrow();
		}
		WorkDialog d = open(form);
		d.type("scan", scan.toString());
		d.type("fps", "100"); // every candidate: this test is about the views, not about the tiny model
		assertEquals("nodulab screen " + scan + " --model " + run + " --out " + form.get("out") + " --fps 100", d.shownCommandLine());
		screenshot("screen-scan", d);
		d.pressQueue();
		finished(d.queued(), 600);
		Path out = Path.of(form.get("out"));
		Ui.waitFor(() -> Ui.page().findView(FindingsView.ID) instanceof FindingsView f && out.equals(f.shown()), 60, "the findings in their view");
		FindingsView findings = (FindingsView) Ui.page().findView(FindingsView.ID);
		List<String> rows = Files.readAllLines(out.resolve("findings.csv"));
		assertEquals(rows.size() - 1, findings.findings().size(), "one row per finding");
		assertTrue(findings.findings().size() > 0, "at 100 false positives per scan every candidate is a finding");
		FindingsView.Finding first = findings.findings().get(0);
		SliceView slices = findings.open(0);
		assertNotNull(slices, "the slice viewer opens");
		Ui.processEvents();
		assertEquals(first.slice() - 1, slices.slice(), "at the finding's slice");
		assertTrue(slices.candidatesOnSlice().stream().anyMatch(p -> Math.abs(p.x() - first.x()) < 0.01 && Math.abs(p.y() - first.y()) < 0.01),
				"the finding is drawn on its slice: " + slices.candidatesOnSlice());
		assertTrue(slices.uid() != null && slices.getPartName().startsWith("Slices: "), slices.getPartName());
		Ui.screenshot("findings", findings);
		Ui.screenshot("findings-slice", slices);
	}

	@Test
	@Order(4)
	void predictWithTestTimeAugmentation() throws Exception {
		RunsView view = runsView(run);
		WorkForm.Predict form = assertInstanceOf(WorkForm.Predict.class, view.workForm("Predict"));
		WorkDialog d = open(form);
		d.type("candidates", work.resolve("no-candidates.csv").toString());
		d.pressQueue();
		assertTrue(d.shownProblems().contains(work.resolve("no-candidates.csv") + ": no such file"), d.shownProblems().toString());
		Path candidates = dataset.resolve("candidates_stage2.csv");
		d.type("candidates", candidates.toString());
		d.type("tta", "on");
		assertTrue(d.shownCommandLine().endsWith(" --tta"), d.shownCommandLine());
		screenshot("predict", d);
		d.pressQueue();
		finished(d.queued(), 600);
		Path out = Path.of(form.get("out"));
		assertEquals(runs.resolve("outputs"), out.getParent(), "outputs go beside the runs; the run stays as it finished");
		assertEquals(Files.readAllLines(candidates).size(), Files.readAllLines(out).size(), "one prediction per candidate");
	}

	@Test
	@Order(5)
	void evaluatingTheRunsSubmissionReproducesItsCpmInTheFrocView() throws Exception {
		RunsView view = runsView(run);
		WorkForm.Evaluate form = assertInstanceOf(WorkForm.Evaluate.class, view.workForm("Evaluate"));
		assertEquals(run.resolve("predictions/m0-vgg-test.csv").toString(), form.get("results"));
		WorkDialog d = open(form);
		d.type("bootstrap", "-1");
		d.pressQueue();
		assertTrue(d.shownProblems().contains("--bootstrap must be 0 (none) or more, got -1"), d.shownProblems().toString());
		d.type("bootstrap", "50");
		d.pressQueue();
		finished(d.queued(), 300);
		Path out = Path.of(form.get("out"));
		FrocView froc = (FrocView) Ui.page().findView(FrocView.ID);
		Ui.waitFor(() -> Ui.page().findView(FrocView.ID) instanceof FrocView f && f.curves().stream().anyMatch(c -> c.dir().startsWith(out)), 60,
				"the evaluation in the FROC view");
		froc = (FrocView) Ui.page().findView(FrocView.ID);
		RunFroc.Curve curve = froc.curves().stream().filter(c -> c.dir().startsWith(out)).findFirst().orElseThrow();
		assertTrue(curve.hasBands(), "50 bootstrap resamples give bands");
		JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
		assertEquals(summary.path("models").path(0).path("testCpm").asDouble(), curve.cpm(), 1e-12,
				"over the run's test scans, the evaluation gives the run's own CPM");
		Ui.screenshot("evaluate-froc", froc);

		// any submission, from the Run menu's form: the dataset's stage-2 detector output, over every scan
		Path detector = dataset.resolve("candidates_stage2.csv");
		WorkForm.Evaluate any = new WorkForm.Evaluate(detector, dataset);
		any.set("out", work.resolve("stage2-froc").toString());
		WorkDialog e = open(any);
		assertTrue(e.shownCommandLine().startsWith("nodulab eval " + dataset.resolve("annotations.csv")), e.shownCommandLine());
		e.pressQueue();
		finished(e.queued(), 300);
		double expected = org.nodulab.eval.froc.Luna16Evaluation.evaluate(dataset.resolve("annotations.csv"),
				dataset.resolve("annotations_excluded.csv"), dataset.resolve("seriesuids.csv"), detector,
				org.nodulab.eval.froc.Luna16Evaluation.Options.of("stage2")).cpm();
		assertTrue(expected > 0.2, "the synthetic detector finds nodules: CPM " + expected);
		Path stage2 = work.resolve("stage2-froc");
		Ui.waitFor(() -> Ui.page().findView(FrocView.ID) instanceof FrocView f && f.curves().stream().anyMatch(c -> c.dir().startsWith(stage2)), 60,
				"the detector's evaluation in the FROC view");
		RunFroc.Curve shown = ((FrocView) Ui.page().findView(FrocView.ID)).curves().stream().filter(c -> c.dir().startsWith(stage2))
				.findFirst().orElseThrow();
		assertEquals(expected, shown.cpm(), 1e-12, "the FROC view shows the evaluation's CPM");
		Ui.screenshot("evaluate-submission-froc", (FrocView) Ui.page().findView(FrocView.ID));
	}

	@Test
	@Order(6)
	void anEnsembleOfTheFoldsIsRefusedByTheLeakageGuardThenMerged() throws Exception {
		RunsView view = runsView(cv);
		WorkForm.Ensemble form = assertInstanceOf(WorkForm.Ensemble.class, view.workForm("Ensemble"));
		assertEquals(2, form.members().size(), "each fold's model");
		assertEquals("merge", form.get("combine"), "folds merge by default");
		WorkDialog d = open(form);
		d.type("combine", "weighted");
		d.pressQueue();
		assertNull(d.queued());
		assertTrue(d.shownProblems().stream().anyMatch(p -> p.contains("the weight search would use") && p.contains("validation predictions only")),
				"fold 1 validates on the scans fold 0 ... tests: " + d.shownProblems());
		screenshot("ensemble-leakage", d);
		d.type("combine", "merge");
		d.pressQueue();
		finished(d.queued(), 300);
		Path out = Path.of(form.get("out"));
		List<String> merged = Files.readAllLines(out).stream().sorted().toList();
		List<String> cvMerged = Files.readAllLines(cv.resolve("merged/m0-vgg-test.csv")).stream().sorted().toList();
		assertEquals(cvMerged, merged, "the merge of the folds is what the cross-validation merged");
		assertTrue(Files.isRegularFile(out.resolveSibling(out.getFileName() + ".ensemble.yaml")), "the ensemble's report beside it");
	}

	/** Issue 21: a model of the run exported as ONNX from the Runs view, then the run's candidates scored by ONNX Runtime. */
	@Test
	@Order(7)
	void aModelIsExportedAsOnnxAndScoredByOnnxRuntime() throws Exception {
		RunsView view = runsView(run);
		WorkForm.ExportModel form = assertInstanceOf(WorkForm.ExportModel.class, view.workForm("Export Model"));
		assertEquals(List.of("best model, best epoch", "m0-vgg@1", "m0-vgg@2"),
				form.fields().stream().filter(f -> f.key().equals("model")).findFirst().orElseThrow().choices());
		WorkDialog d = open(form);
		Path existing = Files.writeString(work.resolve("taken.onnx"), "someone's file");
		d.type("out", existing.toString());
		d.pressQueue();
		assertNull(d.queued(), "nothing is queued over an existing file");
		assertTrue(d.shownProblems().stream().anyMatch(p -> p.contains("taken.onnx: exists already")), d.shownProblems().toString());
		assertEquals("someone's file", Files.readString(existing));
		Path out = runs.resolve("outputs/actions-m0-vgg@2.onnx");
		d.type("model", "m0-vgg@2");
		d.type("out", out.toString());
		assertEquals("nodulab models export " + run + "/m0-vgg@2 --format onnx --out " + out, d.shownCommandLine());
		screenshot("export-model", d);
		d.pressQueue();
		JobRecord done = finished(d.queued(), 300);
		assertTrue(done.message().contains(out.toString()), done.message());
		String sha = org.nodulab.train.RunDirectory.open(run).checkpoints().atEpoch("m0-vgg", 2).orElseThrow().sha256();
		String bytes = new String(Files.readAllBytes(out), java.nio.charset.StandardCharsets.ISO_8859_1);
		assertTrue(bytes.contains("nodulab.checkpoint.sha256") && bytes.contains(sha), "the file names the checkpoint it holds");

		WorkForm.Predict predict = assertInstanceOf(WorkForm.Predict.class, view.workForm("Predict"));
		WorkDialog p = open(predict);
		p.type("candidates", dataset.resolve("candidates_stage2.csv").toString());
		p.type("precision", "bfloat16");
		assertTrue(p.shownCommandLine().endsWith(" --precision bfloat16"), p.shownCommandLine());
		p.type("precision", "float32");
		p.type("backend", "onnxruntime");
		assertTrue(p.shownCommandLine().endsWith(" --backend onnxruntime"), p.shownCommandLine());
		p.pressQueue();
		JobRecord scored = finished(p.queued(), 600);
		assertTrue(scored.message().contains(" on onnxruntime"), scored.message());
		assertEquals(Files.readAllLines(dataset.resolve("candidates_stage2.csv")).size(), Files.readAllLines(Path.of(predict.get("out"))).size());
	}

	@Test
	@Order(8)
	void aModelIsDeletedWithARecordedReason() throws Exception {
		RunsView view = runsView(run);
		WorkForm.DeleteModel form = assertInstanceOf(WorkForm.DeleteModel.class, view.workForm("Delete Model"));
		WorkDialog d = open(form);
		d.type("model", "m0-vgg@1");
		d.pressQueue();
		assertTrue(d.shownProblems().stream().anyMatch(p -> p.contains("needs a reason")), d.shownProblems().toString());
		d.type("reason", "superseded by epoch 2");
		screenshot("delete-model", d);
		d.pressQueue();
		finished(d.queued(), 120);
		String deletions = Files.readString(run.resolve("deletions.csv"));
		assertTrue(deletions.contains("m0-vgg@1") && deletions.contains("superseded by epoch 2"), deletions);
		assertTrue(org.nodulab.train.RunDirectory.open(run).checkpoints().atEpoch("m0-vgg", 1).isEmpty(), "epoch 1 is gone");
		assertTrue(org.nodulab.train.RunDirectory.open(run).checkpoints().atEpoch("m0-vgg", 2).isPresent(), "epoch 2 stays");
	}

	@Test
	@Order(9)
	void theRunsReportOpensInsideTheWorkbench() throws Exception {
		RunsView view = runsView(run);
		List<ReportView> reports = view.openReport();
		assertEquals(1, reports.size());
		ReportView report = reports.get(0);
		Ui.waitFor(report::loaded, 60, "the report page to load");
		String text = report.pageText();
		assertNotNull(text, "a web view shows the report");
		assertTrue(text.contains("actions") && text.contains("m0-vgg"), text.length() > 400 ? text.substring(0, 400) : text);
		Ui.screenshot("report", report);
	}
}
