package dev.rsr.serve;

import dev.rsr.error.RsrException;

/**
 * A request the server refuses, with the HTTP status to answer and a message naming the field at
 * fault; the client receives {@code {"error": message}}.
 */
public final class HttpError extends RsrException {
    private final int status;

    public HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    static HttpError notFound(String message) {
        return new HttpError(404, message);
    }

    /** The server cannot take the request now; the client may retry. */
    static HttpError unavailable(String message) {
        return new HttpError(503, message);
    }
}
