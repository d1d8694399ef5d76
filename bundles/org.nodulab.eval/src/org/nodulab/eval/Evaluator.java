package org.nodulab.eval;

import java.io.IOException;

/**
 * Scores predictions; contributed to {@code org.nodulab.eval.evaluators}.
 *
 * @param <S> the settings class declared in the contribution
 */
public interface Evaluator<S> {

	/**
	 * @throws IOException when output files cannot be written
	 * @throws IllegalArgumentException when the input is inconsistent, naming what and where
	 */
	EvaluationResult evaluate(EvaluationInput input, S settings) throws IOException;
}
