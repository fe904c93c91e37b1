package dev.rsr.error;

/** Input data (a JSONL line, a TSV row, a tensor fed to a predictor) is invalid; names file and line. */
public class DataException extends RsrException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
