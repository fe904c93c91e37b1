package dev.rsr.cli;

import dev.rsr.plugin.PluginRegistry;
import dev.rsr.spi.InferenceBackend;
import dev.rsr.spi.NamedProvider;
import dev.rsr.spi.TrainingBackend;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List the plugins found on the class path, by SPI, with the jar each came from.")
final class PluginsCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (Class<? extends NamedProvider> spi : List.of(InferenceBackend.class, TrainingBackend.class)) {
            PluginRegistry<? extends NamedProvider> registry = PluginRegistry.discover(spi);
            out.printf("%s:%n", spi.getSimpleName());
            if (registry.all().isEmpty()) {
                out.println("  (none)");
            }
            for (NamedProvider p : registry.all()) {
                out.printf("  %-16s %s%n", p.name(), PluginRegistry.origin(p));
            }
        }
        out.flush();
        return 0;
    }
}
