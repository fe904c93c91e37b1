package dev.rsr.cli;

import dev.rsr.error.DataException;
import dev.rsr.io.IoErrors;
import dev.rsr.ir.ModelGraph;
import dev.rsr.serve.ModelServer;
import dev.rsr.serve.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve ONNX models over HTTP with the Open Inference Protocol (the KServe v2 REST API of Triton, KServe, "
                + "Seldon MLServer and OpenVINO Model Server), with micro-batching and Prometheus metrics at /metrics.",
                "Routes: GET /v2/health/live, /v2/health/ready, /v2/models/NAME, /v2/models/NAME/ready; "
                        + "POST /v2/models/NAME/infer; POST /v2/models/NAME/classify ({\"text\": ...} or {\"texts\": [...]}) "
                        + "for a model written by rsr finetune. See docs/serving.md.",
                "SIGTERM or Ctrl-C stops taking requests, lets those in flight finish and exits."})
final class ServeCommand implements Callable<Integer> {
    /** Names clients put in URLs: nothing that needs escaping. */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    // Not a Path: NAME=FILE is checked by resolveModels() with the path policy's one-line errors.
    @Option(names = "--model", required = true, paramLabel = "[NAME=]FILE",
            description = "An ONNX file to serve, as NAME=FILE or FILE (named after the file, without .onnx); repeatable.")
    List<String> models;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Range(min = 0, max = 65535, note = "0 = any free port")
    @Option(names = "--port", defaultValue = "8000", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    /** How the server joins concurrent requests into model calls: the options {@code rsr bench serving} shares. */
    static final class Batching {
        @Range(min = 1, max = 4096, note = "1 = no batching")
        @Option(names = "--max-batch", defaultValue = "" + ServerConfig.DEFAULT_MAX_BATCH,
                description = "Most rows one model call assembles from concurrent requests (default: ${DEFAULT-VALUE}).")
        int maxBatch;

        @Range(min = 0, max = 10_000)
        @Option(names = "--max-wait-ms", defaultValue = "" + ServerConfig.DEFAULT_MAX_WAIT_MS,
                description = "Longest a request waits for others to join its batch, in milliseconds (default: ${DEFAULT-VALUE}).")
        int maxWaitMs;

        Duration maxWait() {
            return Duration.ofMillis(maxWaitMs);
        }
    }

    @Mixin
    Batching batching = new Batching();

    @Range(min = 1, max = 1_000_000)
    @Option(names = "--max-queue", defaultValue = "" + ServerConfig.DEFAULT_MAX_QUEUE,
            description = "Most requests waiting per model; beyond, 503 with Retry-After (default: ${DEFAULT-VALUE}).")
    int maxQueue;

    @Range(min = 0, max = 3600)
    @Option(names = "--drain-seconds", defaultValue = "30",
            description = "On SIGTERM, longest wait for requests in flight (default: ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Range(min = 1, max = 2047)
    @Option(names = "--max-body-mb", defaultValue = "" + ServerConfig.DEFAULT_MAX_BODY_MB,
            description = "Largest request body, in MiB; parsed, a body takes several times its size in memory (default: ${DEFAULT-VALUE}).")
    int maxBodyMb;

    @Range(min = 1, max = 1_000_000)
    @Option(names = "--max-request-rows", defaultValue = "" + ServerConfig.DEFAULT_MAX_REQUEST_ROWS,
            description = "Most rows (examples, or texts to classify) one request may carry; beyond, 400 (default: ${DEFAULT-VALUE}).")
    int maxRequestRows;

    @Mixin
    ServingOptions serving;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, Path> files = resolveModels(models);
        Map<String, ModelGraph> graphs = new LinkedHashMap<>();
        files.forEach((name, file) -> graphs.put(name, ServingOptions.read(file)));
        ServerConfig config = new ServerConfig(host, port, batching.maxBatch, batching.maxWait(), maxQueue,
                Duration.ofSeconds(drainSeconds), (long) maxBodyMb << 20, maxRequestRows);
        // A model that cannot be served is named with its file, as given.
        ModelServer server = ModelServer.start(graphs, name -> "--model " + name + "=" + files.get(name), config, serving.backend(),
                serving.inferenceOptions());
        try {
            Signals.onTermination(() -> {
                spec.commandLine().getErr().println("rsr serve: stopping: finishing requests in flight");
                spec.commandLine().getErr().flush();
                server.close();
            });
            String where = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port();
            spec.commandLine().getOut().printf("rsr serve: %s on %s (batches of up to %d rows, %d ms wait, queue %d)%n",
                    String.join(", ", server.models()), where, batching.maxBatch, batching.maxWaitMs, maxQueue);
            spec.commandLine().getOut().flush();
            server.awaitTermination();
        } finally {
            server.close();
        }
        spec.commandLine().getErr().println("rsr serve: stopped");
        spec.commandLine().getErr().flush();
        return 0;
    }

    /**
     * Each {@code --model} as a name and an existing, readable file: {@code NAME=FILE} splits at
     * the first '=', a bare {@code FILE} is named after the file. Errors name the option as given.
     */
    static Map<String, Path> resolveModels(List<String> specs) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String name;
            Path file;
            if (eq >= 0) {
                name = spec.substring(0, eq);
                file = Path.of(spec.substring(eq + 1));
            } else {
                file = Path.of(spec);
                String base = file.getFileName() == null ? "" : file.getFileName().toString();
                name = base.endsWith(".onnx") ? base.substring(0, base.length() - ".onnx".length()) : base;
            }
            if (!NAME.matcher(name).matches()) {
                throw new DataException("--model " + spec + ": the model name '" + name + "' must start with a letter or digit and hold "
                        + "only letters, digits, '.', '_' and '-' (give one as NAME=FILE)");
            }
            try {
                IoErrors.requireReadableFile(file);
            } catch (DataException e) {
                // The message starts with the file as given: put the name back in front of it.
                throw new DataException("--model " + (eq >= 0 ? name + "=" : "") + e.getMessage());
            }
            if (out.containsKey(name)) {
                throw new DataException("--model " + spec + ": a second model named '" + name + "' (the first is " + out.get(name)
                        + "); give each its own NAME=FILE");
            }
            out.put(name, file);
        }
        return out;
    }

    /** SIGTERM and SIGINT run an action instead of starting the JVM's shutdown. */
    static final class Signals {
        private Signals() {
        }

        /**
         * Runs {@code action} on SIGTERM or SIGINT, before any shutdown hook: ONNX Runtime frees
         * its environment in a shutdown hook of its own, which must not run while a request is
         * still computing. Through reflection, since {@code sun.misc.Signal} is outside the
         * standard API; where it is missing, the JVM's default handling stays.
         */
        static void onTermination(Runnable action) {
            try {
                Class<?> signal = Class.forName("sun.misc.Signal");
                Class<?> handler = Class.forName("sun.misc.SignalHandler");
                Object proxy = java.lang.reflect.Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler},
                        (self, method, args) -> {
                            if (method.getName().equals("handle")) {
                                Thread stopper = new Thread(action, "rsr-serve-stop");
                                stopper.start();
                                return null;
                            }
                            return switch (method.getName()) {
                                case "hashCode" -> System.identityHashCode(self);
                                case "equals" -> self == args[0];
                                default -> "rsr-serve-signal-handler";
                            };
                        });
                for (String name : List.of("TERM", "INT")) {
                    Object sig = signal.getConstructor(String.class).newInstance(name);
                    signal.getMethod("handle", signal, handler).invoke(null, sig, proxy);
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                org.slf4j.LoggerFactory.getLogger(ServeCommand.class).debug("signals stay with the JVM: {}", e.toString());
            }
        }
    }
}
