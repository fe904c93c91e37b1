package dev.rsr.error;

/** A setting, option or input value is invalid; the message names the field and the fix. */
public class ConfigurationException extends RsrException {
    /**
     * An exception with a message that names what failed.
     *
     * @param message what failed and, where there is one, the fix
     */
    public ConfigurationException(String message) {
        super(message);
    }

    /**
     * An exception caused by another failure, kept as the cause.
     *
     * @param message what failed and, where there is one, the fix
     * @param cause   the underlying failure
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
