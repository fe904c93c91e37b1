package dev.rsr.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rsr.error.DataException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Utf8LinesTest {
    @TempDir
    Path dir;

    @Test
    void readsLinesAndNamesTheLineWithInvalidUtf8() throws Exception {
        Path f = dir.resolve("t.txt");
        Files.write(f, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a', '\r', '\n', (byte) 0xC3, (byte) 0xA9, '\n', 'x', (byte) 0xFF, '\n'});
        try (Utf8Lines lines = Utf8Lines.open(f)) {
            assertEquals("a", lines.next());
            assertEquals("é", lines.next());
            DataException e = assertThrows(DataException.class, lines::next);
            assertEquals(f + " line 3: not valid UTF-8", e.getMessage());
            assertNull(lines.next());
        }
        assertEquals(dir.resolve("none") + ": no such file",
                assertThrows(DataException.class, () -> Utf8Lines.open(dir.resolve("none"))).getMessage());
    }

    @Test
    void atomicWriteLeavesTheOldFileOnFailure() throws Exception {
        Path f = dir.resolve("out.txt");
        AtomicFiles.write(f, "old".getBytes());
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half".getBytes());
            throw new IllegalStateException("boom");
        }));
        assertEquals("old", Files.readString(f));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
                "a new file gets ordinary permissions, not the temporary file's owner-only ones");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
