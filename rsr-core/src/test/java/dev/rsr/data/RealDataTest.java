package dev.rsr.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rsr.error.DataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealDataTest {
    @TempDir
    Path dir;

    private static final String LICENSE = "  1 This software and database is being provided to you, the LICENSEE, by\n";

    @Test
    void parsesWordNetSynsetLines() throws Exception {
        Files.writeString(dir.resolve("data.noun"), LICENSE
                + "00015388 05 n 01 animal 0 001 @ 00004475 n 0000 | a living organism characterized by voluntary movement  \n"
                + "00017222 20 n 02 plant 0 flora 0 001 @ 00004475 n 0000 | (botany) a living organism lacking the power of locomotion  \n");
        Files.writeString(dir.resolve("data.verb"), LICENSE
                + "00001740 29 v 04 breathe 0 take_a_breath 0 respire 0 suspire 3 000 | draw air into, and expel out of, the lungs  \n");
        List<TextExample> nouns = WordNet.supersenses(dir, "noun");
        assertEquals(List.of("noun.animal", "noun.plant"), nouns.stream().map(TextExample::label).toList());
        assertEquals("a living organism characterized by voluntary movement", nouns.get(0).text());
        assertEquals("verb.body", WordNet.supersenses(dir, "verb").get(0).label());
        Files.writeString(dir.resolve("data.adj"), "00001740 00 a 01 able(p) 0 000 | having the necessary means  \n"
                + "00002098 00 s 01 unable 0 000 | lacking necessary means  \n");
        Files.writeString(dir.resolve("data.adv"), "00001740 02 r 01 barely 0 000 | only just  \n");
        // The pretraining corpus reads each synset as a dictionary entry: words (markers dropped), then gloss.
        DataSources sources = new DataSources(dir, dir, 10, 1);
        assertEquals(List.of("animal: a living organism characterized by voluntary movement",
                "plant, flora: (botany) a living organism lacking the power of locomotion",
                "breathe, take a breath, respire, suspire: draw air into, and expel out of, the lungs",
                "able: having the necessary means", "unable: lacking necessary means", "barely: only just"),
                sources.corpus("wordnet-all"));
        Map<String, Long> pos = WordNet.partsOfSpeech(dir).stream().collect(Collectors.groupingBy(TextExample::label, Collectors.counting()));
        assertEquals(Map.of("noun", 2L, "verb", 1L, "adjective", 2L, "adverb", 1L), pos);
        Files.writeString(dir.resolve("data.adv"), "00001740 02 r 03 barely 0 000 | only just  \n");
        assertEquals(dir.resolve("data.adv") + " line 1: word count 3 does not match the fields of the line",
                assertThrows(DataException.class, () -> WordNet.partsOfSpeech(dir)).getMessage());
        Files.writeString(dir.resolve("data.adv"), "garbage line\n");
        assertEquals(dir.resolve("data.adv") + " line 1: not a WordNet synset line (expected 'offset lex_filenum ss_type … | gloss')",
                assertThrows(DataException.class, () -> WordNet.partsOfSpeech(dir)).getMessage());
        assertTrue(assertThrows(DataException.class, () -> WordNet.supersenses(dir.resolve("none"), "noun")).getMessage()
                .contains("apt-get install wordnet-base"));
    }

    @Test
    void readsFortuneEntriesAndBalancesCategories() throws Exception {
        Files.writeString(dir.resolve("a"), "first\nentry\n%\nsecond b\bbold\n%\nthird\n");
        Files.writeString(dir.resolve("b"), "only one\n%\n");
        List<TextExample> all = Fortunes.read(dir, List.of("a", "b"));
        assertEquals(List.of("first entry", "second bold", "third", "only one"), all.stream().map(TextExample::text).toList());
        List<TextExample> balanced = new DataSources(dir, dir, 10, 1).load("fortunes:a,b");
        assertEquals(2, balanced.size());
        assertEquals(1, balanced.stream().filter(e -> e.label().equals("a")).count());
        assertTrue(assertThrows(DataException.class, () -> Fortunes.read(dir, List.of("zzz"))).getMessage().contains("not found"));
    }

    /** The real Debian files, which CI installs; skipped (and reported as skipped) where they are absent. */
    @Test
    void realWordNetHasTheDocumentedClasses() {
        assumeTrue(Files.isRegularFile(WordNet.DEFAULT_DIR.resolve("data.noun")), "wordnet-base is not installed");
        DataSources sources = DataSources.defaults();
        assertEquals(26, sources.load("wordnet-noun").stream().map(TextExample::label).distinct().count());
        assertEquals(15, sources.load("wordnet-verb").stream().map(TextExample::label).distinct().count());
        assertEquals(4, sources.load("wordnet-pos").stream().map(TextExample::label).distinct().count());
        // Nearly every synset links to two definitions (117,659 synsets in WordNet 3.0).
        List<String> links = sources.corpus("wordnet-links");
        assertTrue(links.size() > 200_000 && links.stream().allMatch(l -> l.indexOf(':') == l.indexOf(" : ") + 1), links.size() + " links");
    }

    @Test
    void realFortunesAreBalanced() {
        assumeTrue(Files.isDirectory(Fortunes.DEFAULT_DIR.resolve(".")) && Files.isRegularFile(Fortunes.DEFAULT_DIR.resolve("computers")),
                "fortunes is not installed");
        Map<String, Long> counts = DataSources.defaults().load("fortunes").stream()
                .collect(Collectors.groupingBy(TextExample::label, Collectors.counting()));
        assertEquals(Fortunes.DEFAULT_CATEGORIES.size(), counts.size());
        assertEquals(1, counts.values().stream().distinct().count(), "balanced: " + counts);
        assertTrue(counts.values().iterator().next() > 500, counts.toString());
    }
}
