package org.portcullis.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Messages with a body of an exact size (as smtp-source's -l: the header section not counted):
 * a header section with a per-message Message-ID of fixed width, then a body of lines of 76
 * printable characters and CR LF. No line starts with a dot, so the bytes on the wire are the
 * message itself; the end-of-data line is not counted either.
 */
final class MessageBody {

    private static final int LINE = 76;

    private final byte[] headerTemplate;
    private final int idOffset;
    private final byte[] body;

    MessageBody(long bodySize, String from, String to, String runId) {
        String header = "From: <" + from + ">\r\n"
                + "To: <" + to + ">\r\n"
                + "Subject: portcullis benchmark\r\n"
                + "Date: Tue, 1 Dec 2026 09:00:00 +0000\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "Message-ID: <" + runId + ".000000000000@bench.example.org>\r\n"
                + "\r\n";
        headerTemplate = header.getBytes(StandardCharsets.US_ASCII);
        idOffset = header.indexOf(".000000000000@") + 1;
        if (bodySize < 2 || bodySize > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("body size " + bodySize + " must be between 2 bytes and 2 GB");
        }
        body = new byte[(int) bodySize];
        byte[] line = new byte[LINE + 2];
        for (int i = 0; i < LINE; i++) {
            line[i] = (byte) ('A' + (i * 7) % 26);
        }
        line[LINE] = '\r';
        line[LINE + 1] = '\n';
        int at = 0;
        while (at + line.length <= body.length - 2) {
            System.arraycopy(line, 0, body, at, line.length);
            at += line.length;
        }
        // The last line is shorter, but still a line: it ends with CR LF.
        Arrays.fill(body, at, body.length - 2, (byte) 'z');
        body[body.length - 2] = '\r';
        body[body.length - 1] = '\n';
    }

    long size() {
        return (long) headerTemplate.length + body.length;
    }

    /** The header section for message number {@code n} (a fresh array, filled in place). */
    byte[] header(long n) {
        byte[] h = headerTemplate.clone();
        long v = n % 1_000_000_000_000L;
        for (int i = idOffset + 11; i >= idOffset; i--) {
            h[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return h;
    }

    byte[] body() {
        return body;
    }
}
