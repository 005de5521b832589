package org.portcullis.gateway.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.portcullis.gateway.envelope.QueueId;

/**
 * Makes written messages durable, sharing the expensive part between concurrent commits.
 *
 * <p>Each message's file is fsynced on a virtual thread of its own (so the filesystem can merge
 * the journal commits of concurrent fsyncs) — or on the committing thread itself when that is a
 * virtual thread already. Synced messages queue up for the one committer
 * thread, which takes all that are waiting, renames them from incoming/ into active/, fsyncs
 * active/ once for the whole batch, hands them to the queue and completes their futures. While
 * it fsyncs, the next batch gathers.
 */
final class GroupCommitter implements AutoCloseable {

    /** How long close() waits for commits already under way. */
    private static final long CLOSE_WAIT_SECONDS = 30;

    private static final Pending STOP = new Pending(null, null, 0, null, null);

    private final SpoolDirectory directory;
    private final Durability durability;
    private final SpoolMetrics metrics;
    private final CommitListener listener;
    private final FileSpool spool;
    private final ExecutorService syncers = Executors.newVirtualThreadPerTaskExecutor();
    private final BlockingQueue<Pending> synced = new LinkedBlockingQueue<>();
    /** Files being synced by their committing threads themselves; close() waits for them. */
    private final AtomicInteger inlineSyncs = new AtomicInteger();
    private volatile boolean closing;
    private final Thread thread;

    /** @param target active/ for delivery, or hold/ for a quarantined message */
    private record Pending(SpooledMessage message, FileChannel channel, long startedNanos,
                           CompletableFuture<Void> future, SpoolState target) {
        QueueId id() {
            return message.queueId();
        }
    }

    GroupCommitter(FileSpool spool, SpoolDirectory directory, Durability durability, SpoolMetrics metrics,
                   CommitListener listener) {
        this.spool = spool;
        this.directory = directory;
        this.durability = durability;
        this.metrics = metrics;
        this.listener = listener;
        this.thread = Thread.ofPlatform().name("spool-committer").daemon(true).unstarted(this::run);
        thread.start();
    }

    CompletableFuture<Void> submit(SpooledMessage message, FileChannel channel, long startedNanos,
                                   SpoolState target) {
        Pending pending = new Pending(message, channel, startedNanos, new CompletableFuture<>(), target);
        if (Thread.currentThread().isVirtual()) {
            // A thread that may block (the end of a filtered message) syncs its own file: one
            // hand-off fewer.
            inlineSyncs.incrementAndGet();
            try {
                if (closing) {
                    refuse(pending);
                } else {
                    syncFile(pending);
                }
            } finally {
                inlineSyncs.decrementAndGet();
            }
            return pending.future();
        }
        try {
            syncers.execute(() -> syncFile(pending));
        } catch (RejectedExecutionException e) {
            refuse(pending);
        }
        return pending.future();
    }

    private void refuse(Pending p) {
        spool.discard(p.id(), p.channel());
        fail(p, new IOException("the spool is shutting down"));
    }

    private void syncFile(Pending p) {
        try {
            durability.syncFile(p.channel());
            metrics.fileFsync();
            p.channel().close();
            synced.add(p);
        } catch (IOException | RuntimeException e) {
            spool.discard(p.id(), p.channel());
            fail(p, e);
        }
    }

    private void run() {
        while (true) {
            List<Pending> batch = new ArrayList<>();
            try {
                batch.add(synced.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synced.drainTo(batch);
            boolean stop = batch.remove(STOP);
            commitBatch(batch);
            if (stop) {
                return;
            }
        }
    }

    private void commitBatch(List<Pending> batch) {
        List<Pending> moved = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            try {
                if (!directory.move(p.id(), SpoolState.INCOMING, p.target())) {
                    throw new IOException("incoming/" + p.id() + " vanished before its commit");
                }
                moved.add(p);
            } catch (IOException | RuntimeException e) {
                spool.discard(p.id(), null);
                fail(p, e);
            }
        }
        if (moved.isEmpty()) {
            return;
        }
        List<SpoolState> targets = moved.stream().map(Pending::target).distinct().toList();
        try {
            for (SpoolState target : targets) {
                durability.syncDirectory(directory.directory(target));
                metrics.directoryFsync((int) moved.stream().filter(p -> p.target() == target).count());
            }
        } catch (IOException | RuntimeException e) {
            // Not durable, so not promised: the client gets a 4xx and the file must go.
            for (Pending p : moved) {
                spool.discardCommitted(p.id(), p.target());
                fail(p, e);
            }
            return;
        }
        for (Pending p : moved) {
            spool.finished(p.id());
            if (p.target() != SpoolState.ACTIVE) {
                metrics.committed(p.startedNanos());
                complete(p, null);
                continue;
            }
            try {
                listener.committed(p.message());
            } catch (RuntimeException e) {
                // The message is durable in active/ and the queue's rescan will find it; the
                // client may still hear 250.
                spool.listenerFailed(p.id(), e);
            }
            metrics.committed(p.startedNanos());
            complete(p, null);
        }
    }

    private void fail(Pending p, Throwable cause) {
        spool.writeFailed(p.id(), "commit", cause);
        complete(p, cause instanceof IOException io ? io : new IOException("commit failed", cause));
    }

    /**
     * Completes on the calling thread (the committer's, for every commit that got that far): what
     * waits on a commit only hands the result on — to a session's event loop, or by waking the
     * thread that joins — and never works on it here.
     */
    private void complete(Pending p, IOException failure) {
        if (failure == null) {
            p.future().complete(null);
        } else {
            p.future().completeExceptionally(failure);
        }
    }

    @Override
    public void close() {
        closing = true;
        syncers.shutdown();
        try {
            syncers.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
            while (inlineSyncs.get() > 0 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            synced.add(STOP);
            thread.join(TimeUnit.SECONDS.toMillis(CLOSE_WAIT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            // Synced too late for the last batch: never promised, so removed and failed.
            List<Pending> late = new ArrayList<>();
            synced.drainTo(late);
            late.remove(STOP);
            for (Pending p : late) {
                spool.discard(p.id(), null);
                fail(p, new IOException("the spool closed before this commit finished"));
            }
        }
    }
}
