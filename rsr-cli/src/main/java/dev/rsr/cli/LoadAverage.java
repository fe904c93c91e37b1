package dev.rsr.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The machine's load, as benchmarks and reports print it beside their numbers. */
final class LoadAverage {
    private static final Path LOADAVG = Path.of("/proc/loadavg");

    private LoadAverage() {
    }

    /** The line of {@code /proc/loadavg} (1, 5 and 15-minute averages, then process counts); empty where there is none. */
    static Optional<String> line() {
        try {
            return Files.isReadable(LOADAVG) ? Optional.of(Files.readString(LOADAVG).strip()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
