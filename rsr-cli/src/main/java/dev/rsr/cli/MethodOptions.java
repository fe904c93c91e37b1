package dev.rsr.cli;

import dev.rsr.engine.RefineConfig;
import dev.rsr.error.ConfigurationException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** The refinement method and its settings, as {@code finetune} and {@code bench} take them. */
final class MethodOptions {
    @PathRole(PathRole.Kind.INPUT_FILE)
    @Option(names = "--config", paramLabel = "FILE", description = "A JSON configuration: {\"method\": \"rsr\", \"mask\": {\"density\": 0.1}, ...}.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting, e.g. importance=fisher or mask.density=0.1; repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Range(min = Double.MIN_VALUE, max = dev.rsr.engine.Refiner.MAX_BASE_RATE)
    @Option(names = "--lr", description = "Base learning rate (default: the rate the model carries, as encoders from rsr pretrain "
            + "carry 1e-3; else 5e-5 from a pretrained encoder, 1e-3 from scratch; methods with adaptive rates start from it).")
    Double lr;

    @Range(min = 0, max = 10, note = "0 freezes the module")
    @Option(names = "--module-lr", paramLabel = "MODULE=RATE", description = "A task module's fixed learning rate, e.g. head=3e-3 or "
            + "embeddings=0 (frozen); repeatable.")
    Map<String, Double> moduleLr = new LinkedHashMap<>();

    /** The method named (or the configuration file's, or {@code defaultMethod}) with every override applied. */
    RefineConfig resolve(String method, String defaultMethod) {
        if (method != null && !RefineConfig.METHODS.contains(method)) {
            throw new ConfigurationException("--method '" + method + "' is not available; available: " + String.join(", ", RefineConfig.METHODS));
        }
        RefineConfig base;
        if (config != null) {
            base = RefineConfig.read(config);
            if (method != null && !method.equals(base.method())) {
                base = RefineConfig.method(method).with(withoutPresets(base));
            }
        } else {
            base = RefineConfig.method(method != null ? method : defaultMethod);
        }
        return overrides(base);
    }

    /** {@code base} with {@code --lr}, {@code --module-lr} and {@code --set} applied, in that order. */
    RefineConfig overrides(RefineConfig base) {
        Map<String, String> more = new LinkedHashMap<>();
        if (lr != null) {
            more.put("base_rate", Double.toString(lr));
        }
        if (!moduleLr.isEmpty()) {
            more.put("module_rates", moduleLr.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(",")));
        }
        more.putAll(settings);
        return base.with(more);
    }

    /** The settings a configuration file set on top of its preset. */
    private static Map<String, String> withoutPresets(RefineConfig read) {
        Map<String, String> preset = RefineConfig.method(read.method()).values();
        Map<String, String> changed = new LinkedHashMap<>();
        read.values().forEach((k, v) -> {
            if (!v.equals(preset.get(k))) {
                changed.put(k, v);
            }
        });
        return changed;
    }
}
