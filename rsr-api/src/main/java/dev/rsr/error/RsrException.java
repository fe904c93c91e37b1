package dev.rsr.error;

/**
 * Root of every exception RSR throws on purpose. Unchecked, so callers handle the failures they
 * can act on and let the rest reach the command line, which prints the message as one line.
 *
 * <p>Messages name the culprit (file, line, field, node, plugin) and, where there is one, the fix.
 */
public class RsrException extends RuntimeException {
    public RsrException(String message) {
        super(message);
    }

    public RsrException(String message, Throwable cause) {
        super(message, cause);
    }
}
