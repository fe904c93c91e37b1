package dev.rsr.cli;

import dev.rsr.data.Fortunes;
import dev.rsr.data.WordNet;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the real data sets' files are, for the commands that read them. */
final class DataDirs {
    @PathRole(PathRole.Kind.INPUT_DIR)
    @Option(names = "--wordnet-dir", description = "WordNet data files (default: /usr/share/wordnet).")
    Path wordnet = WordNet.DEFAULT_DIR;

    @PathRole(PathRole.Kind.INPUT_DIR)
    @Option(names = "--fortunes-dir", description = "Fortune files (default: /usr/share/games/fortunes).")
    Path fortunes = Fortunes.DEFAULT_DIR;
}
