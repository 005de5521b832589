package org.portcullis.message;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.testkit.Envelopes;

/**
 * The one MIME parse a message gets at its end of data when a filter reads its tree (or the
 * policy tests the parser's findings): ParsedMessage.parse from a file (as from the spool) and
 * the tree asked for, with the default limits. Messages
 * from test-corpus/ ({@code -Dcorpus.dir}, default ../../test-corpus from bench/jmh), plus the
 * load generator's 10 KB plain message for comparison with the end-to-end benchmark. One
 * operation is one message parsed and closed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MimeParseBenchmark {

    @Param({"loadgen-10k", "clean-plain.eml", "multipart-alternative.eml", "eicar-zip.eml",
            "charset-mixed-encoded-words.eml", "deep-nesting.eml"})
    String message;

    private Path file;
    private Envelope envelope;

    @Setup
    public void setUp() throws IOException {
        envelope = Envelopes.standard();
        if (message.equals("loadgen-10k")) {
            file = Files.createTempFile("jmh-mime-", ".eml");
            file.toFile().deleteOnExit();
            StringBuilder sb = new StringBuilder("From: <bench@sender.example.org>\r\nTo: <user@example.com>\r\n"
                    + "Subject: portcullis benchmark\r\nDate: Tue, 1 Dec 2026 09:00:00 +0000\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
                    + "Message-ID: <jmh.000000000001@bench.example.org>\r\n\r\n");
            String line = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWX\r\n";
            while (sb.length() < 10 * 1024) {
                sb.append(line);
            }
            Files.writeString(file, sb);
        } else {
            file = Path.of(System.getProperty("corpus.dir", "../../test-corpus"), message);
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("no corpus message " + file.toAbsolutePath()
                        + "; run from bench/jmh or give -Dcorpus.dir");
            }
        }
    }

    @Benchmark
    public void parse(Blackhole bh) throws IOException {
        try (ParsedMessage parsed = ParsedMessage.parse(envelope, file, MessageLimits.DEFAULTS)) {
            bh.consume(parsed.root());
            bh.consume(parsed.headers());
            bh.consume(parsed.findings());
        }
    }
}
