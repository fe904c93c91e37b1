package dev.rsr.cli;

import dev.rsr.inject.Plugins;
import dev.rsr.inject.RsrModule;
import dev.rsr.spi.NamedProvider;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code rsr plugins}: every provider of every SPI the engine looks plugins up in
 * ({@link RsrModule#SPIS}), grouped by SPI, each with the jar it came from; with
 * {@code --plugins DIR}, the jars of that directory too.
 */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List the plugins found on the class path (and in --plugins DIR), by SPI, with the jar each came from.")
final class PluginsCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    PluginOptions pluginOptions = new PluginOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Plugins plugins = pluginOptions.plugins();
        // One column for the origins: at least 16 wide, and wide enough for the longest name.
        int width = RsrModule.SPIS.stream().flatMap(spi -> plugins.all(spi).keySet().stream()).mapToInt(n -> n.length() + 1)
                .max().orElse(0);
        String line = "  %-" + Math.max(16, width) + "s %s%n";
        for (Class<? extends NamedProvider> spi : RsrModule.SPIS) {
            Map<String, ? extends NamedProvider> found = plugins.all(spi);
            out.printf("%s:%n", spi.getSimpleName());
            if (found.isEmpty()) {
                out.println("  (none)");
            }
            found.forEach((name, provider) -> out.printf(line, name, Plugins.origin(provider)));
        }
        out.flush();
        return 0;
    }
}
