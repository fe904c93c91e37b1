package dev.rsr.error;

import java.util.List;

/**
 * A model is malformed, unreadable or uses something RSR cannot handle. Carries every problem
 * found, not only the first, so a user fixes them all in one round.
 */
public class ModelException extends RsrException {
    /** Every problem found, in the order found; one entry when built from a single message. */
    private final List<String> problems;

    /**
     * An exception for one problem.
     *
     * @param message the problem, naming the file, node or field at fault
     */
    public ModelException(String message) {
        this(message, (Throwable) null);
    }

    /**
     * An exception for one problem caused by another failure, kept as the cause.
     *
     * @param message the problem, naming the file, node or field at fault
     * @param cause   the underlying failure
     */
    public ModelException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    /**
     * One exception for several problems; the message lists them all.
     *
     * @param subject  what has the problems, e.g. the model file; starts the message
     * @param problems every problem found, at least one
     * @throws IllegalArgumentException when {@code problems} is empty
     */
    public ModelException(String subject, List<String> problems) {
        super(summarize(subject, problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * Each problem on its own, in the order found.
     *
     * @return the problems, unmodifiable
     */
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
