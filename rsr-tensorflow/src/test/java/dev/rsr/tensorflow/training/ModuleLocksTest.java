package dev.rsr.tensorflow.training;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.ConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModuleLocksTest {
    @Test
    void overlappingModulesAreRefusedUntilReleased() {
        ModuleLocks locks = new ModuleLocks();
        locks.acquire(List.of("a", "b"));
        assertDoesNotThrow(() -> locks.acquire(List.of("c")));
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> locks.acquire(List.of("c2", "b")));
        assertTrue(e.getMessage().contains("module 'b' is being trained by another thread"), e.getMessage());
        // A refused call takes none of its modules.
        assertDoesNotThrow(() -> locks.acquire(List.of("c2")));
        locks.release(List.of("a", "b"));
        assertDoesNotThrow(() -> locks.acquire(List.of("b")));
    }
}
