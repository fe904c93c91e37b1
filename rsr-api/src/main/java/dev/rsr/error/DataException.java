package dev.rsr.error;

/** Input data (a JSONL line, a TSV row, a tensor fed to a predictor) is invalid; names file and line. */
public class DataException extends RsrException {
    /**
     * An exception with a message that names what failed.
     *
     * @param message what failed and, where there is one, the fix
     */
    public DataException(String message) {
        super(message);
    }

    /**
     * An exception caused by another failure, kept as the cause.
     *
     * @param message what failed and, where there is one, the fix
     * @param cause   the underlying failure
     */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
