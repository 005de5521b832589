package org.portcullis.gateway.milter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.portcullis.filter.ContentSource;

/**
 * The new body a milter sends in {@code b} packets. Up to {@code limits.body-in-memory} it stays
 * in memory; beyond that it goes to a temporary file, which lives until the next transaction
 * of the session (or the session's end), by when the gateway has applied it.
 */
final class BodyReplacement implements AutoCloseable {

    private final long inMemoryLimit;
    private final Path tempDir;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path file;
    private OutputStream fileOut;
    private long size;

    BodyReplacement(long inMemoryLimit, Path tempDir) {
        this.inMemoryLimit = inMemoryLimit;
        this.tempDir = tempDir;
    }

    void append(MilterResponse.ReplaceBody chunk) throws IOException {
        if (fileOut == null && size + chunk.length() > inMemoryLimit) {
            file = Files.createTempFile(tempDir, "milter-body-", ".eml");
            fileOut = Files.newOutputStream(file);
            memory.writeTo(fileOut);
            memory = null;
        }
        chunk.writeTo(fileOut != null ? fileOut : memory);
        size += chunk.length();
    }

    /** The whole new body, readable as often as needed. */
    ContentSource finish() throws IOException {
        if (fileOut != null) {
            fileOut.close();
            Path path = file;
            return () -> Files.newInputStream(path);
        }
        return ContentSource.of(memory.toByteArray());
    }

    /** Deletes the temporary file, if there is one. */
    @Override
    public void close() {
        try {
            if (fileOut != null) {
                fileOut.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // A temporary file that cannot be removed is left for the system's cleaner.
        }
    }
}
