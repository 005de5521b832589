package org.portcullis.message;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads text lines one byte a char, keeping at most {@code maxLength} bytes of each, so a body
 * that is one 20 MB line costs no more memory than a short one.
 */
final class BoundedLines {

    private final InputStream in;
    private final byte[] line;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;
    private boolean cut;

    BoundedLines(InputStream in, int maxLength) {
        this.in = in;
        this.line = new byte[maxLength];
    }

    /** The next line without its line end, or null at the end; longer lines are cut (see {@link #wasCut()}). */
    String next() throws IOException {
        int length = 0;
        cut = false;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buffer, 0, buffer.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any ? text(length) : null;
                }
            }
            any = true;
            byte b = buffer[pos++];
            if (b == '\n') {
                return text(length);
            }
            if (length < line.length) {
                line[length++] = b;
            } else {
                cut = true;
            }
        }
    }

    /** Whether the last line was longer than the maximum. */
    boolean wasCut() {
        return cut;
    }

    private String text(int length) {
        int n = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
    }
}
