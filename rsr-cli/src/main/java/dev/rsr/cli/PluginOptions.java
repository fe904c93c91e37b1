package dev.rsr.cli;

import dev.rsr.error.ConfigurationException;
import dev.rsr.inject.Plugins;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/** {@code --plugins DIR}: third-party plugin jars beside the built-in ones. */
final class PluginOptions {
    @PathRole(PathRole.Kind.INPUT_DIR)
    @Option(names = "--plugins", paramLabel = "DIR", description = "A directory of plugin jars to load besides the built-in plugins.")
    Path directory;

    private Plugins plugins;

    /** Every plugin, discovered once per command. */
    Plugins plugins() {
        if (plugins == null) {
            plugins = directory == null ? Plugins.discover() : Plugins.discover(loader(directory));
        }
        return plugins;
    }

    private static ClassLoader loader(Path directory) {
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                jars.add(f.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new ConfigurationException("--plugins " + directory + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ConfigurationException("--plugins " + directory + ": cannot list it: " + dev.rsr.io.IoErrors.reason(e), e);
        }
        if (jars.isEmpty()) {
            throw new ConfigurationException("--plugins " + directory + ": no .jar files in it");
        }
        return new URLClassLoader(jars.toArray(new URL[0]), PluginOptions.class.getClassLoader());
    }
}
