package org.nodulab.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nodulab.campaign.CampaignService;
import org.nodulab.jobs.JobQueue;
import org.nodulab.jobs.JobRecord;
import org.nodulab.test.support.TinyExperiment;
import org.nodulab.ui.internal.CampaignEditor;
import org.nodulab.ui.internal.CampaignsView;
import org.nodulab.ui.internal.OpenExperiment;
import org.nodulab.ui.internal.ReportView;
import org.nodulab.ui.internal.WorkbenchJobs;

/**
 * A campaign in the workbench: its file in the campaign editor with a marker on the line of a bad override, fixed and
 * run on the local queue from the editor; the Campaigns view shows the grid of runs coloured by state, the table with
 * the pooled CPM and the comparison with the baseline, and opens a run's report.
 */
class CampaignWorkbenchTest {

	@Test
	void aCampaignIsEditedWithMarkersRunFromTheEditorAndFollowedInTheCampaignsView() throws Exception {
		Path work = Ui.work().resolve("campaign");
		Files.createDirectories(work);
		Files.writeString(work.resolve("base.yaml"), TinyExperiment.yaml("tinyc", Ui.dataset(), "runs", 1, 0));
		String broken = """
				name: ui-study
				description: Dense width of a tiny VGG, two seeds
				base: base.yaml
				folds: {mode: seeds, seeds: [1, 2]}
				variants:
				  - name: base
				    description: the base recipe
				  - name: wide
				    description: twice the dense units
				    overrides:
				      architectures[0].settings.denseUnit: 16
				ensembles:
				  - {name: both, members: [base, wide]}
				evaluation: {bootstrap: 100}
				""";
		Path file = work.resolve("ui-study.yaml");
		Files.writeString(file, broken);
		CampaignEditor editor = (CampaignEditor) OpenExperiment.openFile(Ui.page(), file);
		Ui.processEvents();
		assertEquals(1, editor.problems().size(), editor.problems().toString());
		assertEquals(11, editor.problems().get(0).line(), editor.problems().toString());
		assertTrue(editor.problems().get(0).message().startsWith("names no key of the experiment: no 'denseUnit' in architectures[0].settings"),
				editor.problems().toString());
		assertEquals(List.of(11), editor.markedLines());
		Ui.screenshot("campaign-editor-marker", editor);

		editor.source().setText(broken.replace("denseUnit:", "denseUnits:"));
		assertEquals(List.of(), editor.validateNow());
		assertEquals(List.of(), editor.markedLines());
		assertTrue(editor.isDirty());
		JobRecord job = editor.run("local");
		assertTrue(Files.readString(file).contains("denseUnits: 16"), "Run saves the file first");
		JobQueue queue = WorkbenchJobs.queue();
		Ui.waitFor(() -> queue.job(job.id()).orElseThrow().state().ended(), 120, "the campaign run job to submit the runs");
		assertEquals(JobRecord.State.FINISHED, queue.job(job.id()).orElseThrow().state(), queue.job(job.id()).orElseThrow().message());

		CampaignsView view = editor.showInCampaigns();
		Path folder = work.resolve("campaigns/ui-study");
		Ui.waitFor(() -> folder.toAbsolutePath().normalize().equals(view.shown()), 30, "the Campaigns view to show the campaign");
		Ui.waitFor(() -> {
			view.refreshAndWait(20_000);
			return view.gridTexts().size() == 2 && view.gridTexts().stream().allMatch(r -> r.subList(1, 3).stream().allMatch("finished"::equals));
		}, 900, "every run of the campaign to finish in the grid");
		assertEquals(List.of("base", "finished", "finished"), view.gridTexts().get(0));
		assertEquals(List.of("wide", "finished", "finished"), view.gridTexts().get(1));
		assertEquals(view.colour(CampaignService.View.FINISHED), view.cellColour(1, 2));
		Ui.waitFor(() -> {
			view.refreshAndWait(20_000);
			// final figures: not empty, and not the interim ones (marked *) shown while seeds are missing
			return view.resultTexts().size() == 3 && !view.resultTexts().get(1).get(3).isEmpty() && !view.resultTexts().get(1).get(3).endsWith("*");
		}, 120, "the campaign table's final figures");
		List<List<String>> rows = view.resultTexts();
		assertEquals("base", rows.get(0).get(0));
		assertEquals("2/2", rows.get(0).get(1));
		assertEquals("baseline", rows.get(0).get(4));
		assertTrue(rows.get(0).get(3).matches("\\d\\.\\d{4} \\[\\d\\.\\d{4}, \\d\\.\\d{4}]"), rows.get(0).toString());
		assertTrue(rows.get(1).get(4).matches("[+-]\\d\\.\\d{4} \\[[+-]\\d\\.\\d{4}, [+-]\\d\\.\\d{4}]"), rows.get(1).toString());
		assertEquals("ensemble both", rows.get(2).get(0));
		Ui.screenshot("campaigns", view);

		ReportView report = view.openRun("wide/seed-2");
		assertNotNull(report);
		assertEquals(folder.resolve("runs/wide/seed-2/report.html").toAbsolutePath().normalize(), report.shown().toAbsolutePath().normalize());
		assertTrue(Files.exists(folder.resolve("notebook.html")), "the tasks wrote the notebook");
	}
}
