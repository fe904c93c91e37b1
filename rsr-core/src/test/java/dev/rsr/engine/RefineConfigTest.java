package dev.rsr.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.ModelException;
import dev.rsr.ir.ModelGraph;
import dev.rsr.zoo.TextClassifier;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Presets, overrides, and the defaults that depend on whether the model starts pretrained. */
class RefineConfigTest {

    @Test
    void fromRandomWeightsRsrAlwaysUpdatesTheEmbeddingsAndHead() {
        RefineConfig rsr = RefineConfig.method("rsr");
        assertEquals("first,last", rsr.forStart(false).values().get("selector.always"));
        assertFalse(rsr.forStart(true).values().containsKey("selector.always"), "pretrained: the ants choose freely");
        assertEquals(rsr.values(), rsr.forStart(true).values());
    }

    @Test
    void theUsersSettingWinsOverAStartDependentDefault() {
        RefineConfig own = RefineConfig.method("rsr").with("selector.always", "last");
        assertEquals("last", own.forStart(false).values().get("selector.always"));
        // Another selector does not take the ants' fields.
        RefineConfig topK = RefineConfig.method("rsr").with(Map.of("selector", "top-k"));
        assertFalse(topK.forStart(false).values().containsKey("selector.always"));
        // Other settings changed leave the default in place.
        RefineConfig masked = RefineConfig.method("rsr").with(Map.of("mask", "top-per-tensor", "mask.density", "0.3"));
        assertEquals("first,last", masked.forStart(false).values().get("selector.always"));
        assertEquals("0.3", masked.forStart(false).values().get("mask.density"));
    }

    @Test
    void presetsWithoutStartDependentDefaultsAreUnchanged() {
        for (String method : RefineConfig.METHODS) {
            if (!method.equals("rsr")) {
                assertEquals(RefineConfig.method(method).values(), RefineConfig.method(method).forStart(false).values(), method);
            }
        }
    }

    @Test
    void theDefaultBaseRateIsTheOneThePretrainedModelCarries() {
        ModelGraph plain = new TextClassifier(50, 8, 1, 2, 16, 8, 2, 1).build();
        ModelGraph carrying = plain.withMetadata(plain.metadata().withProperty(Refiner.FINETUNE_RATE_PROPERTY, "1e-3"));
        assertEquals(1e-3, Refiner.defaultBaseRate(carrying, true));
        assertEquals(Refiner.PRETRAINED_RATE, Refiner.defaultBaseRate(plain, true), "no property: the default for pretrained models");
        assertEquals(Refiner.SCRATCH_RATE, Refiner.defaultBaseRate(plain, false));
        ModelGraph small = plain.withMetadata(plain.metadata().withProperty(Refiner.FINETUNE_RATE_PROPERTY, "2e-4"));
        assertEquals(Refiner.SCRATCH_RATE, Refiner.defaultBaseRate(small, false), "random weights: the carried rate is not theirs");
        for (String bad : new String[] {"fast", "0", "-1e-3", "NaN", "11"}) {
            ModelGraph wrong = plain.withMetadata(plain.metadata().withProperty(Refiner.FINETUNE_RATE_PROPERTY, bad));
            ModelException e = assertThrows(ModelException.class, () -> Refiner.defaultBaseRate(wrong, true), bad);
            assertTrue(e.getMessage().contains(Refiner.FINETUNE_RATE_PROPERTY) && e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
