package org.portcullis.gateway.spool;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The spool's meters.
 *
 * <ul>
 * <li>{@code portcullis.spool.commits{result=ok|failed}}: commits that completed or failed</li>
 * <li>{@code portcullis.spool.commit.latency}: from {@code commit()} to its future completing</li>
 * <li>{@code portcullis.spool.fsyncs{kind=file|directory|progress}}: fsync calls; commits share
 *     the directory fsyncs, so {@code directory} grows far slower than {@code commits}</li>
 * <li>{@code portcullis.spool.commit.batch.size}: messages made durable by one directory fsync</li>
 * <li>{@code portcullis.spool.write.failures{stage=begin|write|commit}}: the spool could not be
 *     written (disk full, unwritable); each became a 4xx to the client</li>
 * <li>{@code portcullis.spool.corrupt}: files set aside into corrupt/</li>
 * </ul>
 */
public final class SpoolMetrics {

    private final Counter committed;
    private final Counter commitFailed;
    private final Timer latency;
    private final Counter fileFsyncs;
    private final Counter directoryFsyncs;
    private final Counter progressFsyncs;
    private final DistributionSummary batchSize;
    private final Counter beginFailures;
    private final Counter writeFailures;
    private final Counter commitFailures;
    private final Counter corrupt;

    public SpoolMetrics(MeterRegistry registry) {
        committed = Counter.builder("portcullis.spool.commits").tag("result", "ok").register(registry);
        commitFailed = Counter.builder("portcullis.spool.commits").tag("result", "failed").register(registry);
        latency = Timer.builder("portcullis.spool.commit.latency").publishPercentileHistogram().register(registry);
        fileFsyncs = fsyncCounter(registry, "file");
        directoryFsyncs = fsyncCounter(registry, "directory");
        progressFsyncs = fsyncCounter(registry, "progress");
        batchSize = DistributionSummary.builder("portcullis.spool.commit.batch.size").register(registry);
        beginFailures = failureCounter(registry, "begin");
        writeFailures = failureCounter(registry, "write");
        commitFailures = failureCounter(registry, "commit");
        corrupt = Counter.builder("portcullis.spool.corrupt").register(registry);
    }

    private static Counter fsyncCounter(MeterRegistry registry, String kind) {
        return Counter.builder("portcullis.spool.fsyncs").tag("kind", kind).register(registry);
    }

    private static Counter failureCounter(MeterRegistry registry, String stage) {
        return Counter.builder("portcullis.spool.write.failures").tag("stage", stage).register(registry);
    }

    void committed(long startedNanos) {
        committed.increment();
        latency.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    void commitFailed() {
        commitFailed.increment();
    }

    void fileFsync() {
        fileFsyncs.increment();
    }

    void directoryFsync(int batch) {
        directoryFsyncs.increment();
        batchSize.record(batch);
    }

    void progressFsync() {
        progressFsyncs.increment();
    }

    void writeFailure(String stage) {
        switch (stage) {
            case "begin" -> beginFailures.increment();
            case "write" -> writeFailures.increment();
            default -> commitFailures.increment();
        }
    }

    void corrupt() {
        corrupt.increment();
    }

    public long commits() {
        return (long) committed.count();
    }

    public long directoryFsyncs() {
        return (long) directoryFsyncs.count();
    }

    public long fileFsyncs() {
        return (long) fileFsyncs.count();
    }

    public double meanBatchSize() {
        return batchSize.mean();
    }
}
