package org.portcullis.message;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.util.ByteSequence;
import org.apache.james.mime4j.util.MimeUtil;
import org.portcullis.filter.Header;

/** A mime4j field as the filter-api {@link Header}: the raw value as written, and the value unfolded and decoded. */
final class HeaderFields {

    private HeaderFields() {
    }

    static Header toHeader(Field field, DecodeMonitor monitor) {
        ByteSequence rawField = field.getRaw();
        String raw;
        if (rawField == null) {
            raw = field.getBody();
        } else {
            byte[] bytes = rawField.toByteArray();
            int colon = indexOfColon(bytes);
            raw = RawText.decode(bytes, colon + 1, bytes.length - colon - 1);
        }
        // Kept exactly, the blank after the colon too: a milter such as a DKIM signer hashes it.
        return new Header(field.getName(), raw, decode(raw, monitor));
    }

    /** Unfolds and decodes RFC 2047 encoded words, as a reader of the header would see it. */
    static String decode(String raw, DecodeMonitor monitor) {
        return DecoderUtil.decodeEncodedWords(MimeUtil.unfold(raw), monitor).strip();
    }

    private static int indexOfColon(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == ':') {
                return i;
            }
        }
        return bytes.length - 1;
    }
}
