package dev.rsr.io;

import dev.rsr.error.DataException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes files so that a reader sees the old file or the whole new one, never half of one: the
 * content goes to a temporary file beside the target, is flushed to disk, then moved over the
 * target in one step. On any failure the temporary file is deleted and the target is untouched.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** What fills the file. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the whole content. Flushing and closing are left to {@link AtomicFiles}.
         *
         * @param out the stream into the temporary file
         * @throws IOException when writing fails; the target is then left untouched
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} atomically. A symbolic link is written through (its target gets the
     * new content and the link stays); an existing target that is not a regular file (a
     * directory, a device, a FIFO) is refused rather than replaced. Failures name the file and
     * the operating system's reason.
     *
     * @param target the file to write; missing parent directories are created
     * @param writer what fills the file
     * @throws DataException when the target or its directory cannot hold a regular file
     * @throws java.io.UncheckedIOException when the write fails, naming the file and the reason
     */
    public static void write(Path target, Writer writer) {
        Path absolute = destination(target);
        Path dir = absolute.getParent();
        Path tmp = null;
        try {
            try {
                Files.createDirectories(dir);
            } catch (FileAlreadyExistsException e) {
                throw new DataException("cannot write " + target + ": " + dir + " is not a directory");
            }
            tmp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
            track(tmp);
            keepOrDefaultPermissions(tmp, absolute);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16)) {
                writer.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            LIVE_TEMP_FILES.remove(tmp);
            tmp = null;
        } catch (IOException e) {
            throw IoErrors.cannotWrite(target, e);
        } finally {
            if (tmp != null) {
                deleteQuietly(tmp);
                LIVE_TEMP_FILES.remove(tmp);
            }
        }
    }

    /**
     * Where the bytes for {@code target} go: the file itself, or the file its chain of symbolic
     * links ends at (created if the last link dangles, as a shell redirection would). Refuses an
     * existing directory or special file.
     *
     * @param target the path a caller asked to write
     * @return the absolute path whose content a write replaces
     * @throws DataException for an existing directory or special file, or a loop of links
     */
    public static Path destination(Path target) {
        Path path = target.toAbsolutePath();
        for (int hops = 0; Files.isSymbolicLink(path); hops++) {
            if (hops == 40) {
                throw new DataException(target + ": too many levels of symbolic links");
            }
            try {
                // Not normalized: ".." after a linked directory means that directory's parent, which only the OS knows.
                path = path.resolveSibling(Files.readSymbolicLink(path));
            } catch (IOException e) {
                throw IoErrors.cannotWrite(target, e);
            }
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new DataException(target + (path.equals(target.toAbsolutePath()) ? "" : " (a link to " + path + ")") + ": is "
                    + IoErrors.kind(path) + ", not a regular file; refusing to replace it");
        }
        return path;
    }

    /**
     * Temporary files of writes in progress, deleted by a shutdown hook so that an interrupted
     * command (SIGTERM, Ctrl-C) leaves nothing behind. SIGKILL, a JVM crash, or a write that
     * starts while the JVM is already shutting down can still leave one.
     */
    private static final Set<Path> LIVE_TEMP_FILES = ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicBoolean HOOK_REGISTERED = new java.util.concurrent.atomic.AtomicBoolean();

    private static void track(Path tmp) {
        LIVE_TEMP_FILES.add(tmp);
        if (HOOK_REGISTERED.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE_TEMP_FILES.forEach(AtomicFiles::deleteQuietly),
                        "rsr-temp-file-cleanup"));
            } catch (IllegalStateException shuttingDown) {
                // Already shutting down: the write's own finally block still removes its temp file.
            }
        }
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // The write already failed (or the JVM is going down); that is the error worth reporting.
        }
    }

    /**
     * Temporary files are created owner-only; the finished file gets the permissions the file it
     * replaces had, or rw-r--r-- for a new one, as a plain write would give under the usual umask.
     */
    private static void keepOrDefaultPermissions(Path tmp, Path target) throws IOException {
        if (!tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions = Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, permissions);
    }

    /**
     * Writes {@code content} to {@code target} atomically, as {@link #write(Path, Writer)} does.
     *
     * @param target  the file to write
     * @param content the whole new content
     */
    public static void write(Path target, byte[] content) {
        write(target, out -> out.write(content));
    }
}
