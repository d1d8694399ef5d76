package org.nodulab.core.tests;

import java.util.ArrayList;
import java.util.List;

import org.nodulab.core.settings.Range;
import org.nodulab.core.settings.SelfValidating;
import org.nodulab.core.settings.Size;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A settings class exercising every validation rule. */
public class SampleSettings implements SelfValidating {

	public enum Mode {
		FAST, THOROUGH
	}

	/** Nested settings. */
	public static class Nested {
		@Range(min = 0, max = 1)
		public double weight = 0.5;

		public boolean enabled = true;
	}

	@JsonProperty(required = true)
	public String name;

	@Range(min = 1, max = 10)
	public int count = 3;

	@Range(min = 0, max = 1, minExclusive = true)
	public double rate = 0.5;

	public Mode mode = Mode.FAST;

	@Size(min = 3, max = 3)
	@Range(min = 1)
	public List<Integer> size = new ArrayList<>(List.of(1, 2, 3));

	public Nested nested = new Nested();

	public List<Nested> layers = new ArrayList<>();

	@Override
	public void validate(ProblemSink problems) {
		if (mode == Mode.FAST && count > 5) {
			problems.add("mode", "fast needs count <= 5, count is " + count);
		}
	}
}
