package dev.rsr.serve;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers as {@code {"error": "..."}}, whatever the client accepts, instead of
 * its HTML pages: for requests it refuses before any route runs (a malformed request line or
 * header, an ambiguous URI such as one holding {@code %00}) and for errors raised inside the
 * servlet below Javalin's routes. {@link Server} goes on the Jetty server, {@link Servlet} on the
 * servlet context Javalin runs in. Stateless.
 */
final class JsonErrors {
    private static final String CONTENT_TYPE = "application/json";

    private JsonErrors() {
    }

    static String message(int code, String message) {
        String reason = HttpStatus.getMessage(code);
        return message == null || message.isBlank() || message.equals(reason) ? "HTTP " + code + " " + reason
                : "HTTP " + code + " " + reason + ": " + message;
    }

    /** The server's error handler: requests no context took, and requests Jetty could not parse. */
    static final class Server extends org.eclipse.jetty.server.handler.ErrorHandler {
        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
            response.write(true, ByteBuffer.wrap(InferenceProtocol.error(message(code, message))), callback);
        }
    }

    /** The servlet context's error handler: JSON whatever the request's Accept header names. */
    static final class Servlet extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback)
                throws java.io.IOException {
            if (!generateAcceptableResponse(request, response, callback, CONTENT_TYPE, List.of(StandardCharsets.UTF_8), code, message, cause)) {
                callback.succeeded();
            }
        }

        @Override
        protected void writeErrorJson(Request request, java.io.PrintWriter writer, int code, String message, Throwable cause) {
            writer.write(new String(InferenceProtocol.error(message(code, message)), StandardCharsets.UTF_8));
        }
    }
}
