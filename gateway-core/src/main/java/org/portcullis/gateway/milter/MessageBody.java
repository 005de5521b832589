package org.portcullis.gateway.milter;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/** The body of a raw message (what follows the empty line after the header section), as a stream. */
final class MessageBody {

    private MessageBody() {
    }

    /**
     * Reads past the header section of {@code raw} and returns the stream at the first body
     * byte. A message without an empty line has no body; one that starts with an empty line has
     * no header section.
     */
    static InputStream of(InputStream raw) throws IOException {
        InputStream in = raw instanceof BufferedInputStream ? raw : new BufferedInputStream(raw, 16 * 1024);
        int lineLength = 0;
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                if (lineLength == 0) {
                    return in;
                }
                lineLength = 0;
            } else if (b != '\r') {
                lineLength++;
            }
        }
        return in;
    }

    /** Fills {@code buffer} as far as the stream goes; returns the count, 0 at the end. */
    static int readChunk(InputStream in, byte[] buffer) throws IOException {
        return in.readNBytes(buffer, 0, buffer.length);
    }
}
