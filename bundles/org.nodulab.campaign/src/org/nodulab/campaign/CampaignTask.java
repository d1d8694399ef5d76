package org.nodulab.campaign;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.ExperimentValidator;
import org.nodulab.core.io.AtomicFiles;
import org.nodulab.train.ExperimentRunner;
import org.nodulab.train.RunDirectory;

/**
 * One run of a campaign, as every executor starts it ({@code nodulab campaign task <folder> <run id>}): creates the
 * run from its experiment file, or resumes it from its last checkpoint when it exists unfinished (a preempted,
 * requeued or cancelled task), or does nothing when it finished; then records how it ended.
 */
public final class CampaignTask {

	/** What a task did. */
	public record Outcome(String runId, Path run, boolean skipped, boolean stopped, ExperimentRunner.RunResult result) {
	}

	private CampaignTask() {
	}

	/**
	 * Runs (or resumes) one run.
	 *
	 * @param runners the runner for an experiment (with the backend it names)
	 */
	public static Outcome run(CampaignFolder folder, String runId, ExperimentValidator validator,
			Function<Experiment, ExperimentRunner> runners, List<String> commandLine) throws Exception {
		Path dir = folder.runDir(runId);
		Path file = folder.experimentFile(runId);
		try {
			if (RunDirectory.isRun(dir) && RunDirectory.open(dir).finished()) {
				folder.recordTask(runId, "finished", "already finished");
				return new Outcome(runId, dir, true, false, null);
			}
			String after = folder.after(runId);
			if (after != null) {
				CampaignFolder.RunStatus source = folder.status(after);
				if (source.state() != CampaignFolder.RunState.FINISHED) {
					throw new java.io.IOException(runId + " starts from the best model of " + after + ", which has not finished ("
							+ source.state().label() + (source.message().isBlank() ? "" : ": " + source.message())
							+ "); 'nodulab campaign run' starts it first");
				}
			}
			Experiment e = validator.load(file);
			folder.recordTask(runId, "running", "");
			ExperimentRunner runner = runners.apply(e);
			ExperimentRunner.RunResult result;
			if (Files.exists(dir) && !Files.isDirectory(dir)) {
				throw new java.io.IOException(dir + ": exists and is not a run folder; move it away and run the campaign again");
			}
			if (Files.isDirectory(dir) && !RunDirectory.isRun(dir)) {
				try (var entries = Files.list(dir)) {
					if (entries.findAny().isEmpty()) {
						Files.delete(dir); // a task stopped between creating the folder and writing its experiment
					}
				}
			}
			if (RunDirectory.isRun(dir)) {
				result = runner.resume(dir, commandLine);
			} else {
				Files.createDirectories(dir.getParent());
				RunDirectory run = RunDirectory.createNamed(dir.getParent(), dir.getFileName().toString());
				AtomicFiles.create(run.resolve(RunDirectory.EXPERIMENT), Files.readString(file));
				result = runner.execute(run, e, commandLine, true);
			}
			folder.recordTask(runId, result.stopped() ? "stopped" : "finished", result.stopped() ? "stopped after a checkpoint" : "");
			return new Outcome(runId, dir, false, result.stopped(), result);
		} catch (Exception | Error e) {
			String message = e.getMessage() != null ? e.getMessage() : e.toString();
			try {
				folder.recordTask(runId, "failed", message);
			} catch (Exception suppressed) {
				e.addSuppressed(suppressed);
			}
			throw e;
		}
	}
}
