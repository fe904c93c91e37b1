package dev.rsr.error;

/** A compute backend (ONNX Runtime, TensorFlow) failed; the message names the backend and the model. */
public class BackendException extends RsrException {
    /**
     * An exception with a message that names what failed.
     *
     * @param message what failed and, where there is one, the fix
     */
    public BackendException(String message) {
        super(message);
    }

    /**
     * An exception caused by another failure, kept as the cause.
     *
     * @param message what failed and, where there is one, the fix
     * @param cause   the underlying failure
     */
    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
