package dev.rsr.io;

import dev.rsr.error.DataException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a text file line by line, decoding each line as strict UTF-8 on its own, so an invalid
 * byte is reported with the number of the line that holds it. Accepts {@code \n} and
 * {@code \r\n} endings and drops a leading byte-order mark. Not thread-safe.
 */
public final class Utf8Lines implements Closeable {
    private final Path file;
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private long lineNumber;

    private Utf8Lines(Path file, InputStream in) {
        this.file = file;
        this.in = in;
    }

    /**
     * Opens {@code file}; a missing file, a directory or an unreadable file is a {@link DataException} naming it.
     *
     * @param file the file to read
     * @return a reader positioned before the first line; the caller closes it
     */
    public static Utf8Lines open(Path file) {
        IoErrors.requireReadableFile(file);
        try {
            return new Utf8Lines(file, new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (IOException e) {
            throw IoErrors.cannotRead(file, e);
        }
    }

    /**
     * The next line without its ending, or null at the end of the file.
     *
     * @return the decoded line, or null at the end
     * @throws DataException naming the file and line when the line is not valid UTF-8
     */
    public String next() {
        buffer.reset();
        try {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            while (b >= 0 && b != '\n') {
                buffer.write(b);
                b = in.read();
            }
        } catch (IOException e) {
            throw IoErrors.cannotRead(file, e);
        }
        lineNumber++;
        byte[] bytes = buffer.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        int start = lineNumber == 1 && length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB
                && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        try {
            return decoder.decode(ByteBuffer.wrap(bytes, start, length - start)).toString();
        } catch (CharacterCodingException e) {
            throw new DataException(file + " line " + lineNumber + ": not valid UTF-8");
        }
    }

    /**
     * Number of the line last returned by {@link #next()}, counting from 1.
     *
     * @return the line number; 0 before the first line
     */
    public long lineNumber() {
        return lineNumber;
    }

    /** Closes the file; never throws. */
    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // Reading is over; a failed close of an input file loses nothing.
        }
    }
}
