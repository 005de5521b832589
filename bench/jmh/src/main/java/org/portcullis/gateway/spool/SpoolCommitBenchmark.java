package org.portcullis.gateway.spool;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.portcullis.gateway.envelope.ClientInfo;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.MailAddress;
import org.portcullis.gateway.envelope.MailParameters;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.envelope.QueueIdGenerator;
import org.portcullis.gateway.envelope.Recipient;

/**
 * The spool's write path, with real fsyncs on the disk under {@code -Dspool.dir} (default
 * target/jmh-spool; never tmpfs, or the numbers mean nothing): begin, write the content in
 * 16 KB pieces, commit (file fsync, rename into active/, one directory fsync per batch) and wait
 * for the future that lets a session say 250. One thread shows the latency floor of a commit; 20
 * threads show what group commit shares. Committed files are removed after each iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class SpoolCommitBenchmark {

    @Param({"10240"})
    int size;

    private Path root;
    private FileSpool spool;
    private final QueueIdGenerator ids = new QueueIdGenerator();
    private final ConcurrentLinkedQueue<QueueId> committed = new ConcurrentLinkedQueue<>();
    private byte[] content;

    @Setup(Level.Trial)
    public void open() throws IOException {
        root = Path.of(System.getProperty("spool.dir", "target/jmh-spool")).toAbsolutePath();
        deleteTree(root);
        spool = FileSpool.open(root, new SimpleMeterRegistry(), message -> committed.add(message.queueId()));
        content = new byte[size];
        for (int i = 0; i < size; i++) {
            content[i] = (byte) ((i % 78 == 76) ? '\r' : (i % 78 == 77) ? '\n' : 'a' + i % 26);
        }
    }

    @TearDown(Level.Iteration)
    public void removeCommitted() throws IOException {
        QueueId id;
        while ((id = committed.poll()) != null) {
            Files.deleteIfExists(spool.directory().file(SpoolState.ACTIVE, id));
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        spool.close();
        deleteTree(root);
    }

    private Envelope envelope() {
        return new Envelope(ids.next(), new MailAddress("bench", "sender.example.org"),
                List.of(Recipient.of(new MailAddress("user", "example.com"))), MailParameters.NONE,
                new ClientInfo("127.0.0.1", "localhost", "loadgen.example.org", "ESMTP", null, null), Instant.now());
    }

    private void writeAndCommit() throws IOException {
        SpoolWriter writer = spool.begin(envelope());
        for (int at = 0; at < content.length; at += 16 * 1024) {
            writer.write(ByteBuffer.wrap(content, at, Math.min(16 * 1024, content.length - at)));
        }
        writer.commit().join();
    }

    @Benchmark
    @Threads(1)
    public void commitOneSession() throws IOException {
        writeAndCommit();
    }

    @Benchmark
    @Threads(20)
    public void commitTwentySessions() throws IOException {
        writeAndCommit();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
