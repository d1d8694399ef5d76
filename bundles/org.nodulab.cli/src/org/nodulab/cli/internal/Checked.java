package org.nodulab.cli.internal;

import java.util.List;

/**
 * A command that can say what is wrong with its arguments before it runs: the workbench and {@code jobs submit}
 * check a command line this way before they queue it (missing files, an invalid experiment, a run that has
 * finished), so a job never waits for a device to fail on its input.
 */
interface Checked {

	/** Every problem found, in words naming the file or option; empty when the command can run. */
	List<String> check() throws Exception;
}
