package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TfSessionsTest {
    @Test
    void concurrentStepsShareTheCoresWhenSessionsHaveTheirOwnPools() {
        assertEquals(1, TfSessions.intraOpThreads(0, 2, 2, true));
        assertEquals(2, TfSessions.intraOpThreads(0, 3, 8, true));
        assertEquals(1, TfSessions.intraOpThreads(0, 4, 2, true), "never fewer than one thread");
    }

    @Test
    void otherwiseTheCallerOrTensorFlowChooses() {
        assertEquals(3, TfSessions.intraOpThreads(3, 2, 2, true), "the caller's count wins");
        assertEquals(0, TfSessions.intraOpThreads(0, 1, 2, true), "one step at a time may use every core");
        // With one pool for the process, a count here would size it for every later session.
        assertEquals(0, TfSessions.intraOpThreads(0, 2, 2, false));
    }

    @Test
    void theEnvironmentVariableIsReadAsTensorFlowReadsIt() {
        assertTrue(TfSessions.perSessionPools("true"));
        assertTrue(TfSessions.perSessionPools("TRUE"));
        assertTrue(TfSessions.perSessionPools("1"));
        assertFalse(TfSessions.perSessionPools("0"));
        assertFalse(TfSessions.perSessionPools("false"));
        assertFalse(TfSessions.perSessionPools("yes"), "TensorFlow rejects it, and keeps one pool");
        assertFalse(TfSessions.perSessionPools(null));
    }
}
