package org.portcullis.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** Text in one charset read as UTF-8 bytes, a chunk at a time (surrogate pairs kept whole across chunks). */
final class Utf8Transcoding extends InputStream {

    private final Reader reader;
    private final char[] chars = new char[4096];
    private int carried = -1;
    private byte[] pending = new byte[0];
    private int pendingPos;

    Utf8Transcoding(InputStream in, Charset from) {
        this.reader = new InputStreamReader(in, from);
    }

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

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private boolean fill() throws IOException {
        while (pendingPos == pending.length) {
            int start = 0;
            if (carried >= 0) {
                chars[0] = (char) carried;
                carried = -1;
                start = 1;
            }
            int n = reader.read(chars, start, chars.length - start);
            if (n < 0 && start == 0) {
                return false;
            }
            int end = start + Math.max(n, 0);
            if (n >= 0 && end > 0 && Character.isHighSurrogate(chars[end - 1])) {
                carried = chars[--end];
            }
            pending = new String(chars, 0, end).getBytes(StandardCharsets.UTF_8);
            pendingPos = 0;
        }
        return true;
    }
}
