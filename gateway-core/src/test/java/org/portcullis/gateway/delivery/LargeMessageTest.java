package org.portcullis.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 24 MB message relayed by a JVM whose heap is 16 MB: only code that streams from the spool
 * file can do it; one byte[] of the message would not even fit.
 */
class LargeMessageTest {

    private static final long SIZE = 24L * 1024 * 1024;
    private static final String HEAP = "-Xmx16m";

    @TempDir
    Path tmp;

    @Test
    void relaysAMessageLargerThanTheHeapOverDataAndBdat() throws Exception {
        byte[] prefix = TestSetup.SPOOL_PREFIX;
        Path spool = tmp.resolve("large.msg");
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long length = 0;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16)) {
            file.write(prefix);
            try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
                byte[] header = "From: sender@origin.test\r\nSubject: large\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                file.write(header);
                out.write(header);
                length += header.length;
                for (long n = 0; length < SIZE; n++) {
                    // Every tenth line starts with a dot, so stuffing happens all the way through.
                    String text = (n % 10 == 0 ? "." : "") + "line " + n + " of a large message, padded to look like"
                            + " base64 ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n";
                    byte[] line = text.getBytes(StandardCharsets.US_ASCII);
                    file.write(line);
                    out.write(line);
                    length += line.length;
                }
            }
        }
        String expected = HexFormat.of().formatHex(digest.digest());

        try (Sink data = Sink.start(tmp.resolve("data"));
             Sink bdat = Sink.start(tmp.resolve("bdat"), "--chunking")) {
            String java = ProcessHandle.current().info().command().orElse("java");
            Path log = tmp.resolve("child.log");
            Process child = new ProcessBuilder(List.of(java, HEAP, "-XX:MaxDirectMemorySize=64m",
                    "-cp", System.getProperty("java.class.path"), LargeRelayMain.class.getName(),
                    String.valueOf(data.port), String.valueOf(bdat.port), spool.toString(),
                    String.valueOf(prefix.length), String.valueOf(length)))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished = child.waitFor(150, TimeUnit.SECONDS);
            if (!finished) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(log);

            assertThat(finished).as("child finished in time; output:%n%s", output).isTrue();
            assertThat(child.exitValue()).as("child exit; output:%n%s", output).isZero();
            assertThat(output).contains("result a@data.test DELIVERED").contains("result b@bdat.test DELIVERED")
                    .doesNotContain("OutOfMemoryError");
            assertThat(sha256(data.messages().getFirst())).isEqualTo(expected);
            assertThat(sha256(bdat.messages().getFirst())).isEqualTo(expected);
            assertThat(bdat.envelope(1)).contains("\"transfer\": \"BDAT\"");
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
