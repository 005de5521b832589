package org.portcullis.message;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Line ends for what the gateway sends: a stream that writes every bare LF as CRLF (a CRLF
 * passes unchanged), so a rewritten message is CRLF throughout even if some input was not.
 */
final class Crlf extends FilterOutputStream {

    static final byte[] LINE_END = {'\r', '\n'};

    private int last = -1;

    Crlf(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (b == '\n' && last != '\r') {
            out.write('\r');
        }
        out.write(b);
        last = b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n' && (i > offset ? bytes[i - 1] : last) != '\r') {
                out.write(bytes, start, i - start);
                out.write('\r');
                start = i;
            }
        }
        out.write(bytes, start, end - start);
        if (length > 0) {
            last = bytes[end - 1];
        }
    }

    /** Closes nothing below: the caller owns the stream it gave. */
    @Override
    public void close() throws IOException {
        flush();
    }
}
