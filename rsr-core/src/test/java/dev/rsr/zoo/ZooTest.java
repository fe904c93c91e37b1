package dev.rsr.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.ConfigurationException;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.Node;
import dev.rsr.ir.OnnxOperators;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ZooTest {
    private static final TextClassifier SMALL = new TextClassifier(100, 16, 2, 2, 32, 12, 3, 7);

    @Test
    void textClassifierHasHierarchicalParametersInGroups() {
        ModelGraph m = SMALL.build();
        Set<String> names = m.graph().initializers().keySet();
        assertTrue(names.contains("embeddings.token.weight"), names.toString());
        assertTrue(names.contains("encoder.layer1.attn.q.weight"), names.toString());
        assertTrue(names.contains("encoder.layer2.ffn.out.bias"), names.toString());
        assertTrue(names.contains("head.weight"), names.toString());
        assertEquals(List.of("embeddings", "encoder.layer1", "encoder.layer2", "encoder.final", "head"),
                List.copyOf(m.metadata().parameterGroups().keySet()));
        // Every parameter is in exactly one group, and groups name only parameters.
        Set<String> grouped = new HashSet<>();
        m.metadata().parameterGroups().values().forEach(g -> g.forEach(n -> assertTrue(grouped.add(n), n)));
        assertEquals(names, grouped);
        for (Node n : m.graph().nodes()) {
            assertTrue(OnnxOperators.isDefaultDomainOp(n.opType()), n.describe());
        }
        assertEquals(17, m.metadata().defaultOpset());
    }

    @Test
    void parameterCountMatchesTheArchitecture() {
        long d = 16, ffn = 32, vocab = 100, len = 12, classes = 3;
        long perLayer = 4 * (d * d + d) + 2 * 2 * d + (d * ffn + ffn) + (ffn * d + d);
        long expected = vocab * d + len * d + 2 * perLayer + 2 * d + d * classes + classes;
        assertEquals(expected, SMALL.build().parameterCount());
        assertEquals(16 * 32 + 32 + 32 * 3 + 3, Mlp.defaults().build().parameterCount());
    }

    @Test
    void initializationIsDeterministicBySeed() {
        assertEquals(SMALL.build(), SMALL.build());
        TextClassifier otherSeed = new TextClassifier(100, 16, 2, 2, 32, 12, 3, 8);
        assertNotEquals(SMALL.build().graph().initializers().get("encoder.layer1.attn.q.weight"),
                otherSeed.build().graph().initializers().get("encoder.layer1.attn.q.weight"));
        // A parameter's value does not depend on how many layers come before or after it.
        TextClassifier deeper = new TextClassifier(100, 16, 3, 2, 32, 12, 3, 7);
        assertEquals(SMALL.build().graph().initializers().get("encoder.layer1.attn.q.weight"),
                deeper.build().graph().initializers().get("encoder.layer1.attn.q.weight"));
    }

    @Test
    void reinitializationReproducesTheBuildersInitialWeights() {
        ModelGraph built = SMALL.encoder().build();
        assertEquals(built, built.withInitializers(dev.rsr.ir.builder.ParameterInit.reinitialize(built, 7)));
        assertNotEquals(built, built.withInitializers(dev.rsr.ir.builder.ParameterInit.reinitialize(built, 8)));
    }

    @Test
    void badConfigurationsNameEveryField() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> new TextClassifier(1, 10, 1, 3, 0, 8, 1, 0));
        assertTrue(e.getMessage().contains("vocab must be at least 2, got 1"), e.getMessage());
        assertTrue(e.getMessage().contains("ffn-dim must be at least 1, got 0"), e.getMessage());
        assertTrue(e.getMessage().contains("classes must be at least 2, got 1"), e.getMessage());
        assertTrue(e.getMessage().contains("heads (3) must divide dim (10)"), e.getMessage());
        assertThrows(ConfigurationException.class, () -> new Mlp(4, List.of(0), 2, 1));
    }
}
