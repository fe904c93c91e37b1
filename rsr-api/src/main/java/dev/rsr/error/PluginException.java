package dev.rsr.error;

/** A plugin could not be found, loaded or run; the message names the plugin and where it came from. */
public class PluginException extends RsrException {
    /**
     * An exception with a message that names what failed.
     *
     * @param message what failed and, where there is one, the fix
     */
    public PluginException(String message) {
        super(message);
    }

    /**
     * An exception caused by another failure, kept as the cause.
     *
     * @param message what failed and, where there is one, the fix
     * @param cause   the underlying failure
     */
    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
