package org.nodulab.nn;

import java.util.List;

import org.nodulab.core.experiment.ContributionRef;
import org.nodulab.core.experiment.Experiment;
import org.nodulab.core.experiment.ExperimentCheck;
import org.nodulab.core.registry.ContributionException;
import org.nodulab.core.settings.SettingsProblem;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Builds each architecture's network while an experiment is validated: impossible shapes fail early. */
@Component(service = ExperimentCheck.class)
public class ArchitectureGraphCheck implements ExperimentCheck {

	private final ArchitectureRegistry architectures;

	@Activate
	public ArchitectureGraphCheck(@Reference ArchitectureRegistry architectures) {
		this.architectures = architectures;
	}

	@Override
	public void check(Experiment experiment, List<SettingsProblem> problems) {
		for (int i = 0; i < experiment.architectures.size(); i++) {
			ContributionRef ref = experiment.architectures.get(i);
			try {
				architectures.build(ref.id, ref.resolvedSettings());
			} catch (ContributionException e) {
				problems.add(new SettingsProblem("architectures[" + i + "].settings", 0, e.getMessage()));
			}
		}
	}
}
