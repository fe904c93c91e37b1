package dev.rsr.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.PluginException;
import dev.rsr.spi.InferenceBackend;
import org.junit.jupiter.api.Test;

class PluginRegistryTest {
    @Test
    void aMissingPluginErrorNamesWhatExists() {
        // rsr-api alone ships no inference backend.
        PluginRegistry<InferenceBackend> registry = PluginRegistry.discover(InferenceBackend.class);
        assertEquals(0, registry.all().size());
        PluginException e = assertThrows(PluginException.class, () -> registry.get("onnxruntime"));
        assertTrue(e.getMessage().contains("no InferenceBackend plugin named 'onnxruntime'"), e.getMessage());
        assertTrue(e.getMessage().contains("is its jar on the class path?"), e.getMessage());
    }
}
