package dev.rsr.io;

import dev.rsr.error.DataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Turns file-system failures into messages that keep the operating system's reason ("permission
 * denied", "not a directory"): Java's own messages for them are often only the path.
 */
public final class IoErrors {
    /** Java's exception types for the common failures, with the words the operating system would use. */
    private static final Map<Class<? extends IOException>, String> REASONS = Map.of(
            AccessDeniedException.class, "permission denied",
            NoSuchFileException.class, "no such file or directory",
            NotDirectoryException.class, "not a directory",
            FileAlreadyExistsException.class, "file exists",
            DirectoryNotEmptyException.class, "directory not empty",
            FileSystemLoopException.class, "too many levels of symbolic links",
            NotLinkException.class, "not a symbolic link");

    private IoErrors() {
    }

    /**
     * The reason for {@code e} in a few words, without the path.
     *
     * @param e the failure
     * @return the operating system's reason, e.g. "permission denied"; else the message or the exception's type
     */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null && !fs.getReason().isBlank()) {
            return fs.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        for (Map.Entry<Class<? extends IOException>, String> known : REASONS.entrySet()) {
            if (known.getKey().isInstance(e)) {
                return known.getValue();
            }
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /**
     * "cannot read FILE: REASON", as an unchecked exception.
     *
     * @param file the file that could not be read
     * @param e    the failure, kept as the cause
     * @return the exception, for the caller to throw
     */
    public static UncheckedIOException cannotRead(Path file, IOException e) {
        return new UncheckedIOException("cannot read " + file + ": " + reason(e), e);
    }

    /**
     * "cannot write FILE: REASON", as an unchecked exception.
     *
     * @param file the file that could not be written
     * @param e    the failure, kept as the cause
     * @return the exception, for the caller to throw
     */
    public static UncheckedIOException cannotWrite(Path file, IOException e) {
        return new UncheckedIOException("cannot write " + file + ": " + reason(e), e);
    }

    /**
     * Checks that {@code file} is a readable regular file, naming what it is instead when it is
     * not: "no such file", "is a directory", "not a regular file".
     *
     * @param file the file about to be read
     * @throws DataException naming the file and what is wrong with it
     */
    public static void requireReadableFile(Path file) {
        if (!Files.exists(file)) {
            throw new DataException(file + ": no such file" + (Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                    ? " (a symbolic link to a missing file)" : ""));
        }
        if (Files.isDirectory(file)) {
            throw new DataException(file + ": is a directory, not a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": not a regular file (" + kind(file) + ")");
        }
        if (!Files.isReadable(file)) {
            throw new DataException(file + ": permission denied");
        }
    }

    /**
     * What kind of file-system object {@code file} is, in words: "a directory", "a FIFO", ...
     * Links are not followed.
     *
     * @param file the path to describe
     * @return the kind with its article; "a special file" when it cannot be told
     */
    public static String kind(Path file) {
        try {
            var attributes = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isDirectory()) {
                return "a directory";
            }
            if (attributes.isRegularFile()) {
                return "a regular file";
            }
            if (attributes.isSymbolicLink()) {
                return "a symbolic link";
            }
            Object mode = file.getFileSystem().supportedFileAttributeViews().contains("unix")
                    ? Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) : null;
            if (mode instanceof Integer m) {
                return switch (m & 0xF000) {
                    case 0x1000 -> "a FIFO";
                    case 0x2000 -> "a character device";
                    case 0x6000 -> "a block device";
                    case 0xC000 -> "a socket";
                    default -> "a special file";
                };
            }
            return "a special file";
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }
}
