package org.nodulab.campaign.slurm;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.SelfValidating;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Settings of the Slurm executor: what each array task asks the cluster for. */
@JsonPropertyOrder({ "partition", "account", "qos", "time", "mem", "cpus", "gpus", "gres", "maxParallel", "command", "extra" })
public class SlurmSettings implements SelfValidating {

	@JsonPropertyDescription("Partition (--partition); empty: the cluster's default")
	public String partition;

	@JsonPropertyDescription("Account charged (--account)")
	public String account;

	@JsonPropertyDescription("Quality of service (--qos)")
	public String qos;

	@JsonPropertyDescription("Time limit of one run (--time), e.g. 04:00:00 or 2-00:00:00; a run that hits it is requeued by hand and resumes")
	public String time;

	@JsonPropertyDescription("Memory of one run (--mem), e.g. 16G")
	public String mem = "8G";

	@Range(min = 1, max = 512)
	@JsonPropertyDescription("CPU cores of one run (--cpus-per-task)")
	public int cpus = 2;

	@Range(min = 0, max = 16)
	@JsonPropertyDescription("GPUs of one run (--gres=gpu:N); 0: none")
	public int gpus = 0;

	@JsonPropertyDescription("Generic resources as Slurm writes them (--gres), e.g. gpu:a100:1; overrides 'gpus'")
	public String gres;

	@Range(min = 0, max = 10000)
	@JsonPropertyDescription("At most this many runs at once (--array=...%N); 0: no limit")
	public int maxParallel = 0;

	@JsonPropertyDescription("The nodulab launcher as the nodes see it (default: the launcher that submits, which suits a shared filesystem)")
	public String command;

	@JsonPropertyDescription("More sbatch options, one per entry, e.g. --constraint=v100")
	public List<String> extra = new ArrayList<>();

	@Override
	public void validate(ProblemSink problems) {
		if (time != null && !time.isBlank() && !time.matches("(\\d+-)?\\d+(:\\d{1,2}){0,2}")) {
			problems.add("time", "expected a Slurm time limit such as 30, 04:00:00 or 2-00:00:00, got '" + time + "'");
		}
		if (mem != null && !mem.isBlank() && !mem.matches("\\d+[KMGT]?")) {
			problems.add("mem", "expected a Slurm memory size such as 16G or 16000M, got '" + mem + "'");
		}
		if (extra != null) {
			for (int i = 0; i < extra.size(); i++) {
				if (extra.get(i) == null || !extra.get(i).startsWith("--")) {
					problems.add("extra[" + i + "]", "expected an sbatch option starting with --, got '" + extra.get(i) + "'");
				} else if (extra.get(i).startsWith("--array") || extra.get(i).startsWith("--output")) {
					problems.add("extra[" + i + "]", "the executor sets " + extra.get(i).split("=")[0] + " itself");
				}
			}
		}
	}
}
