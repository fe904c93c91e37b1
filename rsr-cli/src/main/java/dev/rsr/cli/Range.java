package dev.rsr.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The inclusive range of a numeric option (of each element, for a list option), checked by
 * {@link OptionChecks} before the command runs. Every numeric option carries one (a test holds
 * this); floating-point options must also be finite.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface Range {
    double min();

    double max();

    /** What the bounds mean, when the option's name does not say it ("0 = no limit"). */
    String note() default "";
}
