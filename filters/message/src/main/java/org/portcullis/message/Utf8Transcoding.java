package org.portcullis.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** Text in one charset read as UTF-8 bytes, a chunk at a time (surrogate pairs kept whole across chunks). */
final class Utf8Transcoding extends PieceStream {

    private final Reader reader;
    private final char[] chars = new char[4096];
    private int carried = -1;

    Utf8Transcoding(InputStream in, Charset from) {
        this.reader = new InputStreamReader(in, from);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    @Override
    protected byte[] next() throws IOException {
        int start = 0;
        if (carried >= 0) {
            chars[0] = (char) carried;
            carried = -1;
            start = 1;
        }
        int n = reader.read(chars, start, chars.length - start);
        if (n < 0 && start == 0) {
            return null;
        }
        int end = start + Math.max(n, 0);
        if (n >= 0 && end > 0 && Character.isHighSurrogate(chars[end - 1])) {
            carried = chars[--end];
        }
        return new String(chars, 0, end).getBytes(StandardCharsets.UTF_8);
    }
}
