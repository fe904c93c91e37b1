package dev.rsr.error;

/** A plugin could not be found, loaded or run; the message names the plugin and where it came from. */
public class PluginException extends RsrException {
    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
