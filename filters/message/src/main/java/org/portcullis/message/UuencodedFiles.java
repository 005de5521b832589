package org.portcullis.message;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds uuencoded files ({@code begin 644 name} … {@code end}) in a text body and decodes each
 * into the store: old mailers and some malware still send attachments this way, inside
 * ordinary text.
 */
final class UuencodedFiles {

    /** A uuencoded line is at most 61 chars; a begin line names a file, which we allow some room. */
    private static final int MAX_LINE = 1024;
    private static final Pattern BEGIN = Pattern.compile("begin ([0-7]{3,4}) (.+)");

    record Found(String filename, StoredContent content, boolean complete) {
    }

    private UuencodedFiles() {
    }

    /**
     * @param maxFiles how many files to decode at most
     * @param maxSize  decoded bytes kept per file
     */
    static List<Found> scan(StoredContent text, ContentStore store, int maxFiles, long maxSize) throws IOException {
        List<Found> found = new ArrayList<>();
        try (InputStream in = text.open()) {
            BoundedLines lines = new BoundedLines(in, MAX_LINE);
            for (String line = lines.next(); line != null && found.size() < maxFiles; line = lines.next()) {
                Matcher begin = BEGIN.matcher(line);
                if (begin.matches() && !lines.wasCut()) {
                    ContentStore.Sink sink = store.open(maxSize);
                    boolean complete = decode(lines, sink);
                    found.add(new Found(begin.group(2).strip(), sink.finish(), complete));
                }
            }
        }
        return found;
    }

    /** Decodes lines up to {@code end}; false when the text ends or a line is not uuencoded first. */
    private static boolean decode(BoundedLines lines, ContentStore.Sink sink) throws IOException {
        byte[] out = new byte[64];
        for (String line = lines.next(); line != null; line = lines.next()) {
            if (line.equals("end")) {
                return true;
            }
            if (line.isEmpty()) {
                continue;
            }
            int length = (line.charAt(0) - 0x20) & 0x3f;
            if (length == 0) {
                continue;
            }
            if (!isUuLine(line, length)) {
                return false;
            }
            int n = 0;
            for (int i = 1; i < line.length() && n < length; i += 4) {
                int c0 = sextet(line, i);
                int c1 = sextet(line, i + 1);
                int c2 = sextet(line, i + 2);
                int c3 = sextet(line, i + 3);
                out[n++] = (byte) (c0 << 2 | c1 >> 4);
                if (n < length) {
                    out[n++] = (byte) (c1 << 4 | c2 >> 2);
                }
                if (n < length) {
                    out[n++] = (byte) (c2 << 6 | c3);
                }
            }
            sink.write(out, 0, n);
        }
        return false;
    }

    /** Whether a line (without its line end) opens a uuencoded file. */
    static boolean isBegin(String line) {
        return line.length() <= MAX_LINE && BEGIN.matcher(line).matches();
    }

    /** Whether a line inside a uuencoded file belongs to it ({@code end} closes it). */
    static boolean isBodyLine(String line) {
        if (line.isEmpty()) {
            return true;
        }
        int length = (line.charAt(0) - 0x20) & 0x3f;
        return length == 0 || isUuLine(line, length);
    }

    private static boolean isUuLine(String line, int length) {
        int needed = 1 + (length + 2) / 3 * 4;
        // Some encoders strip trailing blanks, so a line may be shorter than its count says.
        if (line.length() > needed + 2) {
            return false;
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 || c > 0x60) {
                return false;
            }
        }
        return true;
    }

    private static int sextet(String line, int i) {
        return i < line.length() ? (line.charAt(i) - 0x20) & 0x3f : 0;
    }
}
