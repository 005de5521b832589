package org.portcullis.message;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.filter.ContentSource;
import org.portcullis.filter.MediaType;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.MimePart;
import org.portcullis.filter.Mutation;

/**
 * The policy action "append a disclaimer": the text goes at the end of the first text/plain
 * body part, the HTML before {@code </body>} of the first text/html body part (attachments and
 * forwarded messages are left alone). The part keeps its charset when that can write the
 * disclaimer; otherwise it is converted to UTF-8. Contents stream; nothing is held whole.
 */
public final class Disclaimer {

    private static final byte[] CRLF = {'\r', '\n'};

    private Disclaimer() {
    }

    /** The disclaimer as text, and as the same text escaped into a paragraph for HTML parts. */
    public static List<Mutation> append(MessageView message, String text) throws IOException {
        return append(message, text, "<p>" + escape(text).replace("\n", "<br>\n") + "</p>");
    }

    /**
     * @param text the disclaimer for text/plain parts
     * @param html the disclaimer for text/html parts, as HTML
     * @return one {@link Mutation.ReplacePart} per part changed; empty when the message has no text body
     */
    public static List<Mutation> append(MessageView message, String text, String html) throws IOException {
        List<Mutation> out = new ArrayList<>();
        Optional<MimePart> plain = firstBody(message, "text/plain");
        Optional<MimePart> rich = firstBody(message, "text/html");
        if (plain.isPresent()) {
            out.add(withDisclaimer(plain.get(), text.replace("\r\n", "\n").replace("\n", "\r\n"), false));
        }
        if (rich.isPresent()) {
            out.add(withDisclaimer(rich.get(), html, true));
        }
        return out;
    }

    private static Optional<MimePart> firstBody(MessageView message, String type) {
        List<String> forwarded = message.parts().filter(p -> p.contentType().is("message/rfc822"))
                .map(MimePart::path).toList();
        return message.parts()
                .filter(p -> !p.isMultipart() && p.contentType().is(type) && !p.isAttachment())
                .filter(p -> !(p instanceof ParsedPart parsed && parsed.isUuencoded()))
                .filter(p -> forwarded.stream().noneMatch(f -> PathTracker.isWithin(p.path(), f)))
                .findFirst();
    }

    private static Mutation withDisclaimer(MimePart part, String disclaimer, boolean html) throws IOException {
        Charset declared = part.charset().orElse(StandardCharsets.US_ASCII);
        boolean keep = declared.newEncoder().canEncode(disclaimer) && asciiCompatible(declared);
        Charset charset = keep ? declared : StandardCharsets.UTF_8;
        ContentSource content = keep ? part::openDecoded : () -> new Utf8Transcoding(part.openDecoded(), declared);
        TextScan scan = TextScan.of(content);
        byte[] insert;
        long at;
        if (html) {
            insert = disclaimer.getBytes(charset);
            at = scan.lastBodyClose() >= 0 ? scan.lastBodyClose() : scan.length();
        } else {
            // An empty line between the text and the disclaimer, whether or not the text ends its last line.
            boolean newline = scan.length() == 0 || scan.endsWithLineEnd();
            insert = join(newline ? CRLF : join(CRLF, CRLF), disclaimer.getBytes(charset), CRLF);
            at = scan.length();
        }
        MediaType type = keep ? part.contentType() : withCharset(part.contentType(), "utf-8");
        long offset = at;
        byte[] added = insert;
        return new Mutation.ReplacePart(part.path(), type, () -> new Insertion(content.open(), offset, added));
    }

    private static boolean asciiCompatible(Charset charset) {
        String probe = "</body>\r\n -";
        return java.util.Arrays.equals(probe.getBytes(charset), probe.getBytes(StandardCharsets.US_ASCII));
    }

    private static MediaType withCharset(MediaType type, String charset) {
        Map<String, String> parameters = new LinkedHashMap<>(type.parameters());
        parameters.put("charset", charset);
        return new MediaType(type.type(), type.subtype(), parameters);
    }

    private static byte[] join(byte[]... arrays) {
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] a : arrays) {
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** One streaming pass over a text: its length, how it ends, and where its last {@code </body} starts. */
    private record TextScan(long length, boolean endsWithLineEnd, long lastBodyClose) {

        private static final byte[] BODY_CLOSE = "</body".getBytes(StandardCharsets.US_ASCII);

        static TextScan of(ContentSource content) throws IOException {
            long length = 0;
            long lastClose = -1;
            int matched = 0;
            int last = -1;
            byte[] buffer = new byte[8192];
            try (InputStream in = content.open()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    for (int i = 0; i < n; i++) {
                        int b = Character.toLowerCase(buffer[i] & 0xff);
                        matched = b == BODY_CLOSE[matched] ? matched + 1 : b == BODY_CLOSE[0] ? 1 : 0;
                        if (matched == BODY_CLOSE.length) {
                            lastClose = length + i - (BODY_CLOSE.length - 1);
                            matched = 0;
                        }
                        last = buffer[i];
                    }
                    length += n;
                }
            }
            return new TextScan(length, last == '\n', lastClose);
        }
    }

    /** A stream with bytes inserted at an offset. */
    private static final class Insertion extends InputStream {
        private final InputStream in;
        private final byte[] insert;
        private long untilInsert;
        private int inserted = -1;

        Insertion(InputStream in, long offset, byte[] insert) {
            this.in = in;
            this.insert = insert;
            this.untilInsert = offset;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (untilInsert > 0) {
                int n = in.read(bytes, offset, (int) Math.min(length, untilInsert));
                if (n > 0) {
                    untilInsert -= n;
                    return n;
                }
                untilInsert = 0;
            }
            if (inserted < insert.length) {
                int from = Math.max(inserted, 0);
                int n = Math.min(length, insert.length - from);
                System.arraycopy(insert, from, bytes, offset, n);
                inserted = from + n;
                if (n > 0) {
                    return n;
                }
            }
            return in.read(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
