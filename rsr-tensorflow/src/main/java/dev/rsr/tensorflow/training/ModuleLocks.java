package dev.rsr.tensorflow.training;

import dev.rsr.error.ConfigurationException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The modules that steps on other threads are updating right now. Concurrent steps must update
 * disjoint modules: two updates of one parameter at once would both read the same optimizer state
 * and one would be lost.
 */
final class ModuleLocks {
    private final Set<String> busy = new HashSet<>();

    /** Marks {@code modules} as in use, or refuses all of them if any is in use already. */
    synchronized void acquire(Collection<String> modules) {
        for (String m : modules) {
            if (busy.contains(m)) {
                throw new ConfigurationException("module '" + m + "' is being trained by another thread; concurrent steps must "
                        + "update disjoint modules");
            }
        }
        busy.addAll(modules);
    }

    synchronized void release(Collection<String> modules) {
        busy.removeAll(modules);
    }
}
