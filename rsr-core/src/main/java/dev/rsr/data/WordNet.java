package dev.rsr.data;

import dev.rsr.error.DataException;
import dev.rsr.io.Utf8Lines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the WordNet database files ({@code data.noun}, {@code data.verb}, {@code data.adj},
 * {@code data.adv}; Debian package {@code wordnet-base}, under {@code /usr/share/wordnet}). Each
 * synset line is {@code offset lex_filenum ss_type w_cnt word lex_id … | gloss}; the lexicographer
 * file number is the synset's supersense (names as in {@code lexnames(5)}).
 */
public final class WordNet {
    public static final Path DEFAULT_DIR = Path.of("/usr/share/wordnet");

    /** Supersense names by lexicographer file number, from {@code lexnames(5)}. */
    private static final String[] LEXNAMES = {"adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal",
        "noun.artifact", "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling",
        "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object", "noun.person", "noun.phenomenon",
        "noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation", "noun.shape", "noun.state",
        "noun.substance", "noun.time", "verb.body", "verb.change", "verb.cognition", "verb.communication",
        "verb.competition", "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
        "verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather", "adj.ppl"};

    private WordNet() {
    }

    /** One synset: its supersense, part of speech, words (lemmas, spaces for underscores) and gloss. */
    public record Synset(String supersense, String partOfSpeech, List<String> words, String gloss, String source) {

        /** The synset as a dictionary entry: {@code "dog, domestic dog: a member of the genus Canis …"}. */
        public String entry() {
            return String.join(", ", words) + ": " + gloss;
        }
    }

    /** Gloss → supersense for nouns (26 classes) or verbs (15). */
    public static List<TextExample> supersenses(Path dir, String pos) {
        if (!pos.equals("noun") && !pos.equals("verb")) {
            throw new IllegalArgumentException("supersenses exist for noun and verb, not " + pos);
        }
        return synsets(dir, pos).stream().map(s -> new TextExample(s.gloss(), s.supersense(), s.source())).toList();
    }

    /** Gloss → part of speech (noun, verb, adjective, adverb). */
    public static List<TextExample> partsOfSpeech(Path dir) {
        List<TextExample> out = new ArrayList<>();
        for (String pos : List.of("noun", "verb", "adj", "adv")) {
            synsets(dir, pos).forEach(s -> out.add(new TextExample(s.gloss(), s.partOfSpeech(), s.source())));
        }
        return out;
    }

    /** Every synset of one data file: {@code noun}, {@code verb}, {@code adj} or {@code adv}. */
    public static List<Synset> synsets(Path dir, String pos) {
        Path file = dir.resolve("data." + pos);
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": WordNet data file not found (Debian: apt-get install wordnet-base; or give the "
                    + "directory that holds data.noun, data.verb, data.adj and data.adv)");
        }
        List<Synset> out = new ArrayList<>();
        try (Utf8Lines lines = Utf8Lines.open(file)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (line.startsWith("  ") || line.isBlank()) {
                    continue; // The license header is indented by two spaces.
                }
                String where = file + " line " + lines.lineNumber();
                int bar = line.indexOf(" | ");
                String[] fields = line.split(" ", 4);
                if (bar < 0 || fields.length < 4) {
                    throw new DataException(where + ": not a WordNet synset line (expected 'offset lex_filenum ss_type … | gloss')");
                }
                int lexFile;
                try {
                    lexFile = Integer.parseInt(fields[1]);
                } catch (NumberFormatException e) {
                    throw new DataException(where + ": lexicographer file number '" + fields[1] + "' is not a number");
                }
                if (lexFile < 0 || lexFile >= LEXNAMES.length) {
                    throw new DataException(where + ": unknown lexicographer file number " + lexFile);
                }
                String gloss = line.substring(bar + 3).strip();
                if (!gloss.isEmpty()) {
                    out.add(new Synset(LEXNAMES[lexFile], partOfSpeech(fields[2], where), words(line, where), gloss, where));
                }
            }
        }
        return out;
    }

    /** The words of a synset line: {@code w_cnt} (two hex digits) pairs of word and lex_id after the synset type. */
    private static List<String> words(String line, String where) {
        String[] fields = line.substring(0, line.indexOf(" | ")).split(" ");
        int count;
        try {
            count = Integer.parseInt(fields[3], 16);
        } catch (NumberFormatException e) {
            throw new DataException(where + ": word count '" + fields[3] + "' is not a hexadecimal number");
        }
        if (count < 1 || fields.length < 4 + 2 * count) {
            throw new DataException(where + ": word count " + count + " does not match the fields of the line");
        }
        List<String> words = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            // Adjectives may carry a syntactic marker: "(a)", "(p)" or "(ip)".
            words.add(fields[4 + 2 * k].replaceFirst("\\((a|p|ip)\\)$", "").replace('_', ' '));
        }
        return words;
    }

    private static String partOfSpeech(String ssType, String where) {
        return switch (ssType) {
            case "n" -> "noun";
            case "v" -> "verb";
            case "a", "s" -> "adjective";
            case "r" -> "adverb";
            default -> throw new DataException(where + ": unknown synset type '" + ssType + "'");
        };
    }
}
