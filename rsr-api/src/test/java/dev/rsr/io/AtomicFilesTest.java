package dev.rsr.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.DataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @Test
    void aSymbolicLinkIsWrittenThroughAndStaysALink() throws IOException {
        Path target = Files.writeString(dir.resolve("target.txt"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), target.getFileName());
        AtomicFiles.write(link, "new".getBytes(StandardCharsets.UTF_8));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aDirectoryOrDeviceIsRefusedNotReplaced() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("sub"));
        String message = assertThrows(DataException.class, () -> AtomicFiles.write(sub, new byte[1])).getMessage();
        assertTrue(message.endsWith("sub: is a directory, not a regular file; refusing to replace it"), message);
        assertTrue(Files.isDirectory(sub));
        if (Files.exists(Path.of("/dev/null"))) {
            String device = assertThrows(DataException.class, () -> AtomicFiles.write(Path.of("/dev/null"), new byte[1])).getMessage();
            assertTrue(device.contains("character device"), device);
        }
        Path link = Files.createSymbolicLink(dir.resolve("to-sub"), sub);
        assertThrows(DataException.class, () -> AtomicFiles.write(link, new byte[1]));
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path file = Files.writeString(dir.resolve("keep.txt"), "old");
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(file, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(file));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void theOperatingSystemsReasonIsInTheMessage() throws IOException {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        String message = assertThrows(RuntimeException.class, () -> AtomicFiles.write(file.resolve("under.txt"), new byte[1])).getMessage();
        assertTrue(message.contains("not a directory"), message);
    }
}
