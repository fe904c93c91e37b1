package dev.rsr.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The machine's load, as benchmarks and reports print it beside their numbers. */
final class LoadAverage {
    private static final Path LOADAVG = Path.of("/proc/loadavg");

    private LoadAverage() {
    }

    /** The 1-minute load average, rounded to hundredths; null where the system reports none. */
    static Double oneMinute() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? null : Math.round(load * 100) / 100.0;
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
