package dev.rsr.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DefinitionLinksTest {

    private static WordNet.Synset synset(String pos, String gloss, String... words) {
        return new WordNet.Synset("unknown", pos, List.of(words), gloss, "test");
    }

    @Test
    void linksEachDefinitionToTheDefinitionOfARareWordItUses() {
        List<WordNet.Synset> synsets = List.of(
                synset("noun", "a domesticated carnivorous mammal; \"the Dog barked at the mammal\"", "dog", "domestic dog"),
                synset("noun", "a warm-blooded vertebrate animal", "mammal"),
                synset("noun", "an animal with a backbone: fish, birds, mammals", "vertebrate"),
                synset("noun", "a living organism", "animal"),
                synset("noun", "the tough outer covering of a woody stem", "bark"),
                synset("verb", "make the sound of a dog", "bark"),
                synset("verb", "bark in a high-pitched way", "yelp"),
                synset("noun", "something that makes a yelp; a yelp", "yelp"));
        assertEquals(List.of(
                // "mammal" is the rare headword of dog's first clause; its example clause is not read.
                "a warm-blooded vertebrate animal : a domesticated carnivorous mammal; \"the Dog barked at the mammal\"",
                "a warm-blooded vertebrate animal : a domesticated carnivorous mammal; \"the Dog barked at the mammal\"",
                // Not to "animal", which is in two definitions: too common in a dictionary of eight.
                // The colon inside the linked gloss becomes a comma, so the cut between views stays put.
                "an animal with a backbone, fish, birds, mammals : a warm-blooded vertebrate animal",
                "an animal with a backbone, fish, birds, mammals : a warm-blooded vertebrate animal",
                // "bark" has a noun and a verb sense; the verb yelp links to the verb.
                "make the sound of a dog : bark in a high-pitched way",
                "make the sound of a dog : bark in a high-pitched way"),
                // No links from vertebrate (only "animal"), animal, the noun bark (no headwords), the
                // verb bark ("dog" is in two definitions) or the noun yelp (only its own word).
                DefinitionLinks.of(synsets, 1));
    }

    @Test
    void choosesAmongSeveralWordsBySeed() {
        List<WordNet.Synset> synsets = List.of(
                synset("noun", "a hound or terrier or poodle", "dog"),
                synset("noun", "a dog for hunting", "hound"),
                synset("noun", "a small dog for digging", "terrier"),
                synset("noun", "a curly dog", "poodle"));
        List<String> links = DefinitionLinks.of(synsets, 7);
        // The first link of "dog" is its first rare word; the second one any of them.
        assertEquals("a dog for hunting : a hound or terrier or poodle", links.get(0));
        assertEquals(links, DefinitionLinks.of(synsets, 7));
        // "dog" is in three definitions (more than one of four), so the others link to nothing.
        assertEquals(2, links.size());
    }
}
