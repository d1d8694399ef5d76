package org.nodulab.core.settings;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Bounds of a numeric setting. On a list or array of numbers the bounds apply to every element.
 * Checked by {@link SettingsValidator}; shown by generated editors.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.FIELD, ElementType.METHOD })
public @interface Range {

	double min() default Double.NEGATIVE_INFINITY;

	double max() default Double.POSITIVE_INFINITY;

	/** Whether {@link #min()} itself is excluded. */
	boolean minExclusive() default false;

	/** Whether {@link #max()} itself is excluded. */
	boolean maxExclusive() default false;
}
