package org.portcullis.gateway.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a spooled message's bytes are: {@code length} bytes from {@code offset} in {@code file},
 * dot-unstuffed and with CRLF line ends. The file stays in place for the whole attempt.
 */
public record MessageContent(Path file, long offset, long length) {

    /** Opens the file for reading; the caller positions and closes it. */
    public FileChannel openChannel() throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /** A stream of exactly the message's bytes. */
    public InputStream openStream() throws IOException {
        FileChannel channel = openChannel();
        channel.position(offset);
        InputStream in = java.nio.channels.Channels.newInputStream(channel);
        return new java.io.FilterInputStream(in) {
            private long remaining = length;

            @Override
            public int read() throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int b = super.read();
                if (b >= 0) {
                    remaining--;
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = super.read(buf, off, (int) Math.min(len, remaining));
                if (n > 0) {
                    remaining -= n;
                }
                return n;
            }
        };
    }
}
