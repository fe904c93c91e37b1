package dev.rsr.error;

/** A compute backend (ONNX Runtime, TensorFlow) failed; the message names the backend and the model. */
public class BackendException extends RsrException {
    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
