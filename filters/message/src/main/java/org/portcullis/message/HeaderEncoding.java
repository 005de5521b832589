package org.portcullis.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.mime4j.codec.EncoderUtil;

/**
 * Writes a new header field: words with non-ASCII characters become RFC 2047 encoded words
 * (UTF-8), everything else stays as given (encoded words already in the value are kept), and
 * the field is folded at spaces so that lines stay within 78 characters where words allow.
 */
final class HeaderEncoding {

    static final int LINE = 78;

    private HeaderEncoding() {
    }

    /**
     * {@code Name: value} folded, without the final CRLF, as bytes. A value that comes folded
     * already (CRLF and white space) and is plain ASCII is written exactly as given.
     */
    static byte[] field(String name, String value) {
        if (value.contains("\r\n") && isAscii(value.replace("\r\n", ""))) {
            return (name + ": " + value).getBytes(StandardCharsets.US_ASCII);
        }
        String unfolded = value.replace("\r\n", "");
        return fold(name + ":", encode(unfolded)).getBytes(StandardCharsets.US_ASCII);
    }

    /** The value with each run of non-ASCII words as encoded words; spaces between words survive decoding. */
    static String encode(String value) {
        String[] words = value.split(" ", -1);
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < words.length) {
            if (i > 0) {
                out.append(' ');
            }
            if (isAscii(words[i])) {
                out.append(words[i++]);
                continue;
            }
            // Consecutive non-ASCII words are encoded together, so the spaces between them stay in the text.
            int end = i;
            while (end + 1 < words.length && !isAscii(words[end + 1])) {
                end++;
            }
            String run = String.join(" ", java.util.Arrays.copyOfRange(words, i, end + 1));
            out.append(EncoderUtil.encodeEncodedWord(run, EncoderUtil.Usage.TEXT_TOKEN, 0, StandardCharsets.UTF_8, null));
            i = end + 1;
        }
        return out.toString();
    }

    /** Folds {@code head} followed by {@code value} at spaces of the value. */
    static String fold(String head, String value) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(head);
        boolean wordOnLine = false;
        for (String word : value.split(" ", -1)) {
            if (wordOnLine && !word.isEmpty() && line.length() + 1 + word.length() > LINE) {
                lines.add(line.toString());
                line = new StringBuilder();
            }
            line.append(' ').append(word);
            wordOnLine = !word.isEmpty() || wordOnLine;
        }
        lines.add(line.toString());
        return String.join("\r\n", lines);
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x7e || c < 0x20 && c != '\t') {
                return false;
            }
        }
        return true;
    }
}
