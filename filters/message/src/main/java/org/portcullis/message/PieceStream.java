package org.portcullis.message;

import java.io.IOException;
import java.io.InputStream;

/** An input stream whose bytes are made a piece at a time by {@link #next()}. */
abstract class PieceStream extends InputStream {

    private byte[] pending = new byte[0];
    private int pendingPos;

    /** The next piece (possibly empty), or null at the end. */
    protected abstract byte[] next() throws IOException;

    @Override
    public int read() throws IOException {
        return fill() ? pending[pendingPos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(length, pending.length - pendingPos);
        System.arraycopy(pending, pendingPos, bytes, offset, n);
        pendingPos += n;
        return n;
    }

    private boolean fill() throws IOException {
        while (pendingPos == pending.length) {
            byte[] piece = next();
            if (piece == null) {
                return false;
            }
            pending = piece;
            pendingPos = 0;
        }
        return true;
    }
}
