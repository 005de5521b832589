package org.portcullis.message;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.DefaultFieldBuilder;
import org.apache.james.mime4j.stream.FieldBuilder;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.util.ByteArrayBuffer;
import org.apache.james.mime4j.util.RecycledByteArrayBuffer;

/**
 * mime4j's field builder, telling apart an empty header section (no problem; mime4j would call
 * it an invalid header) from a real line without a colon, which is noted with its text.
 */
final class CheckingFieldBuilder implements FieldBuilder {

    private static final int QUOTED_LINE = 60;

    private final DefaultFieldBuilder delegate;
    private final ParseNotes notes;
    private int length;

    CheckingFieldBuilder(int maxFieldLength, ParseNotes notes) {
        this.delegate = new DefaultFieldBuilder(maxFieldLength);
        this.notes = notes;
    }

    @Override
    public void reset() {
        length = 0;
        delegate.reset();
    }

    @Override
    public void append(ByteArrayBuffer line) throws MimeException {
        length += line == null ? 0 : line.length();
        delegate.append(line);
    }

    @Override
    public RawField build() throws MimeException {
        if (length == 0) {
            return null;
        }
        try {
            return delegate.build();
        } catch (MimeException e) {
            notes.malformed(notes.currentPart(), "header line without a field name and colon: \"" + quote() + "\"");
            throw e;
        }
    }

    @Override
    public RecycledByteArrayBuffer getRaw() {
        return delegate.getRaw();
    }

    @Override
    public void release() {
        delegate.release();
    }

    private String quote() {
        RecycledByteArrayBuffer raw = delegate.getRaw();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < raw.length() && s.length() < QUOTED_LINE; i++) {
            int b = raw.byteAt(i) & 0xff;
            if (b >= 0x20 && b < 0x7f) {
                s.append((char) b);
            } else if (b != '\r' && b != '\n') {
                s.append('?');
            }
        }
        return s.toString();
    }
}
