package org.portcullis.message;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.portcullis.filter.MimePart;
import org.portcullis.filter.Mutation;

/**
 * A 50 MB message (a 20 MB attachment, three 5 MB ones, 2 MB of HTML, 1 MB of text), and a
 * {@code main} that parses, reads and rewrites it, for a child JVM with a small heap.
 */
final class BigMessage {

    static final int MB = 1024 * 1024;

    private BigMessage() {
    }

    /** Writes the message; returns the SHA-256 of the 20 MB attachment (part 3). */
    static String write(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            ascii(out, "From: big@example.org\r\nTo: bob@example.com\r\nSubject: Quarterly data\r\nMIME-Version: 1.0\r\n"
                    + "Content-Type: multipart/mixed; boundary=\"big\"\r\n\r\n");
            ascii(out, "--big\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
            for (int i = 0; i < MB / 64; i++) {
                ascii(out, "A line of the quarterly report, plain text, sixty-four bytes.\r\n");
            }
            ascii(out, "\r\n--big\r\nContent-Type: text/html; charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<html><body>\r\n");
            for (int i = 0; i < 2 * MB / 64; i++) {
                ascii(out, "<p>A paragraph of the report, in quoted-printable =3D HTML.</p>\r\n");
            }
            ascii(out, "</body></html>\r\n");
            attachment(out, "data.bin", 20 * MB, 1, sha);
            for (int n = 2; n <= 4; n++) {
                attachment(out, "extra-" + n + ".bin", 5 * MB, n, null);
            }
            ascii(out, "\r\n--big--\r\n");
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void attachment(OutputStream out, String name, int size, long seed, MessageDigest sha) throws IOException {
        ascii(out, "\r\n--big\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"" + name + "\"\r\n\r\n");
        Random random = new Random(seed);
        byte[] chunk = new byte[57 * 1024];
        OutputStream base64 = new org.apache.james.mime4j.codec.Base64OutputStream(new NonClosing(out));
        for (int left = size; left > 0; left -= chunk.length) {
            random.nextBytes(chunk);
            int n = Math.min(left, chunk.length);
            base64.write(chunk, 0, n);
            if (sha != null) {
                sha.update(chunk, 0, n);
            }
        }
        base64.close();
    }

    /** Child JVM: {@code file sha256 spill-dir}; prints {@code OK} and the peak heap, or fails. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Path spill = Path.of(args[2]);
        long start = System.nanoTime();
        try (ParsedMessage message = ParsedMessage.parse(Corpus.envelope(), file, 0, Files.size(file),
                MessageLimits.DEFAULTS, spill)) {
            long parsed = System.nanoTime();
            MimePart data = message.part("3").orElseThrow();
            check(sha256(data).equals(args[1]), "the 20 MB attachment decodes to what was encoded");
            check(sha256(data).equals(args[1]), "and again on a second read");
            check(data.decodedSize() == 20L * MB, "its decoded size is 20 MB");
            check(message.problems().isEmpty(), "no problems: " + message.problems());
            Path rewritten = spill.resolve("rewritten.eml");
            new MessageRewriter().rewrite(message, List.of(SubjectTag.tag(message, "[BIG]").orElseThrow(),
                    AttachmentStrip.strip(message, "4")), rewritten);
            long done = System.nanoTime();
            try (ParsedMessage again = ParsedMessage.parse(Corpus.envelope(), rewritten, MessageLimits.DEFAULTS)) {
                check(sha256(again.part("3").orElseThrow()).equals(args[1]), "the rewritten message keeps the attachment");
                check(again.headers().first("Subject").orElseThrow().equals("[BIG] Quarterly data"), "subject tagged");
                check(again.part("4").orElseThrow().contentType().is("text/plain"), "part 4 stripped");
            }
            System.out.printf("OK size=%dMB heapPeak=%.1fMB parse=%dms rewrite=%dms%n", Files.size(file) / MB,
                    peakHeap() / (double) MB, (parsed - start) / 1_000_000, (done - parsed) / 1_000_000);
        }
    }

    private static String sha256(MimePart part) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(part.openDecoded(), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("failed: " + what);
        }
    }

    private static void ascii(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
