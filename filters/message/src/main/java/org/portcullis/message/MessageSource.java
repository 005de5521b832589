package org.portcullis.message;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/** Where a message's bytes are: {@code length} bytes from {@code offset} in {@code file}. */
record MessageSource(Path file, long offset, long length) {

    private static final int READ_BUFFER = 64 * 1024;

    MessageSource {
        Objects.requireNonNull(file, "file");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must not be negative");
        }
    }

    /** A new stream of exactly the message's bytes; the caller closes it. */
    InputStream open() throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new BufferedInputStream(new FileRegionStream(channel, offset, length, true), READ_BUFFER);
    }
}
