package dev.rsr.error;

/** A setting, option or input value is invalid; the message names the field and the fix. */
public class ConfigurationException extends RsrException {
    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
