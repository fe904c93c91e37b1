package dev.rsr.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * A command that writes files its options do not name (a default beside another output), so that
 * {@link OptionChecks} holds them to the same policy as named outputs: not a directory or special
 * file, not an input, not another output.
 */
interface DerivedOutputs {
    /** Each derived output file by a label for messages, e.g. {@code "--metrics (default)"}; empty when none is derived. */
    Map<String, Path> derivedOutputs();
}
