package org.nodulab.core.experiment;

import java.util.List;

import org.nodulab.core.settings.SettingsProblem;

/**
 * A check of an experiment that needs a domain bundle, published as an OSGi service and run by
 * {@link ExperimentValidator} after every contribution reference was resolved (e.g. the networks
 * bundle builds each architecture's graph, so impossible shapes fail before any work starts).
 */
public interface ExperimentCheck {

	/** Adds problems (with key paths, lines left 0) to {@code problems}. */
	void check(Experiment experiment, List<SettingsProblem> problems);
}
