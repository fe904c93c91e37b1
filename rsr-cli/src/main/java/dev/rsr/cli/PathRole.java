package dev.rsr.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a path option is to its command, so that {@link OptionChecks} applies one policy to every
 * command: inputs must exist and be readable; outputs must not be special files, inputs, or each
 * other. Every {@code Path} option carries one (a test holds this).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface PathRole {
    Kind value();

    enum Kind {
        /** A regular file the command reads. */
        INPUT_FILE,
        /** A directory the command reads from. */
        INPUT_DIR,
        /** A file the command writes (atomically; a symbolic link is written through). */
        OUTPUT_FILE,
        /** A directory the command creates if needed and writes files into. */
        OUTPUT_DIR
    }
}
