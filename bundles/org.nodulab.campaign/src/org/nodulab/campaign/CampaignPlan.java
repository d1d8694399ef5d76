package org.nodulab.campaign;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nodulab.core.experiment.Experiment;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A campaign expanded and validated: every variant with what it overrides, every (variant, fold) run with its
 * experiment. Made by {@link CampaignLoader}; nothing has been written yet.
 *
 * @param file the campaign file
 * @param campaign the campaign as read
 * @param folder the campaign's folder ({@code <output>/<name>}), which may not exist yet
 * @param baseFile the base experiment file
 * @param variants every variant in the order given (axes expanded)
 * @param folds the fold labels ({@code fold-0}... or {@code seed-7}...)
 * @param runs every run, variant by variant, fold by fold
 */
public record CampaignPlan(Path file, Campaign campaign, Path folder, Path baseFile, List<VariantPlan> variants,
		List<String> folds, List<PlannedRun> runs) {

	/**
	 * A variant with the overrides it applies to the base experiment, in order (its own, then its axes'), and the variant
	 * whose models it fine-tunes (null: none).
	 */
	public record VariantPlan(String name, String description, Map<String, JsonNode> overrides, Double notebook, String from) {
	}

	/**
	 * One run of the campaign.
	 *
	 * @param variant the variant's name
	 * @param fold the fold's index
	 * @param foldLabel {@code fold-0}, {@code seed-7} or {@code once}
	 * @param experiment the expanded experiment, validated
	 * @param yaml the expanded experiment as written into the campaign folder and the run
	 * @param after the run whose best model this one fine-tunes, which must finish first (null: none)
	 */
	public record PlannedRun(String variant, int fold, String foldLabel, Experiment experiment, String yaml, String after) {

		/** The epochs it trains, over all its architectures (0: it evaluates the model it starts from as it is). */
		public int epochs() {
			return java.util.stream.IntStream.range(0, experiment.architectures.size())
					.map(i -> experiment.forArchitecture(i).training.epochs).sum();
		}

		/** {@code <variant>/<fold label>}: the run's folder below {@code runs/} and its name in messages. */
		public String id() {
			return variant + "/" + foldLabel;
		}
	}

	public Optional<VariantPlan> variant(String name) {
		return variants.stream().filter(v -> v.name().equals(name)).findFirst();
	}

	public Optional<PlannedRun> run(String id) {
		return runs.stream().filter(r -> r.id().equals(id)).findFirst();
	}

	/** The baseline variant's name. */
	public String baseline() {
		return campaign.baseline != null ? campaign.baseline : variants.get(0).name();
	}

	/**
	 * Run ids in an order in which every run comes after the run it fine-tunes from (the plan's order otherwise).
	 */
	public static List<String> ordered(List<String> ids, java.util.function.Function<String, String> after) {
		List<String> out = new java.util.ArrayList<>();
		java.util.Set<String> placed = new java.util.HashSet<>();
		java.util.Set<String> wanted = new java.util.HashSet<>(ids);
		for (String id : ids) {
			place(id, after, wanted, placed, out, new java.util.HashSet<>());
		}
		return out;
	}

	private static void place(String id, java.util.function.Function<String, String> after, java.util.Set<String> wanted,
			java.util.Set<String> placed, List<String> out, java.util.Set<String> visiting) {
		if (placed.contains(id) || !visiting.add(id)) {
			return;
		}
		String first = after.apply(id);
		if (first != null && wanted.contains(first)) {
			place(first, after, wanted, placed, out, visiting);
		}
		placed.add(id);
		out.add(id);
	}

	public List<PlannedRun> runsOf(String variant) {
		return runs.stream().filter(r -> r.variant().equals(variant)).toList();
	}

	/** Whether a variant only evaluates the models of the variant it comes {@code from}: none of its runs trains an epoch. */
	public boolean evaluatesOnly(VariantPlan v) {
		return v.from() != null && runsOf(v.name()).stream().allMatch(r -> r.epochs() == 0);
	}
}
