package dev.rsr.testkit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Runs every {@code @Test} method of a contract instance outside JUnit and records how each ended. */
record ContractRun(Map<String, String> failed, List<String> skipped, List<String> passed) {

    static ContractRun of(Object contract) {
        Map<String, String> failed = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>(), passed = new ArrayList<>();
        for (Method m : contract.getClass().getMethods()) {
            if (!m.isAnnotationPresent(Test.class)) {
                continue;
            }
            try {
                m.invoke(contract);
                passed.add(m.getName());
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof TestAbortedException) {
                    skipped.add(m.getName());
                } else if (cause instanceof AssertionFailedError) {
                    failed.put(m.getName(), cause.getMessage());
                } else {
                    throw new IllegalStateException(m.getName() + " ended with " + cause, cause);
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return new ContractRun(failed, skipped, passed);
    }

    int total() {
        return failed.size() + skipped.size() + passed.size();
    }
}
