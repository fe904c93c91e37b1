package dev.rsr.error;

/**
 * Root of every exception RSR throws on purpose. Unchecked, so callers handle the failures they
 * can act on and let the rest reach the command line, which prints the message as one line.
 *
 * <p>Messages name the culprit (file, line, field, node, plugin) and, where there is one, the fix.
 */
public class RsrException extends RuntimeException {
    /**
     * An exception with a message that names what failed.
     *
     * @param message what failed and, where there is one, the fix
     */
    public RsrException(String message) {
        super(message);
    }

    /**
     * An exception caused by another failure, kept as the cause.
     *
     * @param message what failed and, where there is one, the fix
     * @param cause   the underlying failure
     */
    public RsrException(String message, Throwable cause) {
        super(message, cause);
    }
}
