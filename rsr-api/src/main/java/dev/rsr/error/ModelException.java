package dev.rsr.error;

import java.util.List;

/**
 * A model is malformed, unreadable or uses something RSR cannot handle. Carries every problem
 * found, not only the first, so a user fixes them all in one round.
 */
public class ModelException extends RsrException {
    private final List<String> problems;

    public ModelException(String message) {
        this(message, (Throwable) null);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    /** One exception for several problems; the message lists them all. */
    public ModelException(String subject, List<String> problems) {
        super(summarize(subject, problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem on its own, in the order found. */
    public List<String> problems() {
        return problems;
    }

    private static String summarize(String subject, List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ModelException needs at least one problem");
        }
        if (problems.size() == 1) {
            return subject + ": " + problems.get(0);
        }
        return subject + ": " + problems.size() + " problems: " + String.join("; ", problems);
    }
}
