package org.portcullis.gateway.queue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.spool.FileSpool;
import org.portcullis.gateway.spool.SpoolDirectory;
import org.portcullis.gateway.spool.SpoolFileRead;
import org.portcullis.gateway.spool.SpoolFileReader;
import org.portcullis.gateway.spool.SpoolRecovery;
import org.portcullis.gateway.spool.SpoolState;
import org.portcullis.gateway.spool.SpooledMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules delivery attempts. A message is in one of three places: ready (in active/, waiting
 * for one of {@code delivery.max_concurrent_deliveries} slots), in flight, or waiting (in
 * deferred/, until its next attempt). Committed messages come straight from the spool;
 * messages an admin tool released or flushed are found by a periodic rescan of active/ and
 * deferred/, which also notices known ones that were flushed into active/.
 */
final class QueueManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueManager.class);

    private enum Where { READY, IN_FLIGHT, WAITING }

    /** The scheduler's view of one message; transitions happen under its lock. */
    private static final class Tracked {
        SpooledMessage message;
        volatile Where where;
        ScheduledFuture<?> wake;

        Tracked(SpooledMessage message) {
            this.message = message;
        }
    }

    private final SpoolDirectory directory;
    private final FileSpool spool;
    private final DeliveryAttempt attempt;
    private final Clock clock;
    private final QueueSettings settings;
    private final QueueMetrics metrics;
    private final int maxConcurrent;
    private final Semaphore slots;
    private final Map<QueueId, Tracked> tracked = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<QueueId> ready = new LinkedBlockingQueue<>();
    private final ScheduledExecutorService timer;
    private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread dispatcher;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile int heldCount;
    private volatile int corruptCount;

    QueueManager(FileSpool spool, DeliveryAttempt attempt, Clock clock, QueueSettings settings, QueueMetrics metrics,
                 int maxConcurrent) {
        this.spool = spool;
        this.directory = spool.directory();
        this.attempt = attempt;
        this.clock = clock;
        this.settings = settings;
        this.metrics = metrics;
        this.maxConcurrent = maxConcurrent;
        this.slots = new Semaphore(maxConcurrent);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("queue-timer").daemon(true).factory());
        // At close, pending wake-ups are dropped (the messages wait on disk); cancelled ones go.
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        timer.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        timer.setRemoveOnCancelPolicy(true);
        this.timer = timer;
        this.dispatcher = Thread.ofVirtual().name("queue-dispatcher").unstarted(this::dispatch);
        metrics.gauge("incoming", spool::receivingCount);
        metrics.gauge("active", () -> count(Where.READY) + count(Where.IN_FLIGHT));
        metrics.gauge("deferred", () -> count(Where.WAITING));
        metrics.gauge("hold", () -> heldCount);
        metrics.gauge("corrupt", () -> corruptCount);
        metrics.inFlightGauge(() -> maxConcurrent - slots.availablePermits());
    }

    /** Takes the recovered messages and starts delivering, and rescanning. */
    synchronized void start(List<SpoolRecovery.Recovered> recovered) {
        if (started) {
            throw new IllegalStateException("the queue is already started");
        }
        started = true;
        for (SpoolRecovery.Recovered r : recovered) {
            accept(r.message(), r.state());
        }
        countHeldAndCorrupt();
        dispatcher.start();
        long every = settings.rescanInterval().toMillis();
        timer.scheduleWithFixedDelay(this::rescan, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes a message found in active/ (due now) or deferred/ (due at its next attempt). A
     * message already known is left as it is.
     */
    void accept(SpooledMessage message, SpoolState state) {
        if (closed) {
            return;   // it is on disk; the next start recovers it
        }
        Tracked t = new Tracked(message);
        if (tracked.putIfAbsent(message.queueId(), t) != null) {
            return;
        }
        if (state == SpoolState.ACTIVE) {
            makeReady(t);
        } else {
            Instant at = message.progress().nextAttempt();
            waitUntil(t, at == null ? clock.instant() : at);
        }
    }

    private void makeReady(Tracked t) {
        synchronized (t) {
            if (t.wake != null) {
                t.wake.cancel(false);
                t.wake = null;
            }
            t.where = Where.READY;
        }
        ready.add(t.message.queueId());
    }

    private void waitUntil(Tracked t, Instant at) {
        QueueId id = t.message.queueId();
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        synchronized (t) {
            t.where = Where.WAITING;
            if (closed) {
                return;
            }
            try {
                t.wake = timer.schedule(() -> wake(id), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing: the message waits in deferred/ for the next start
            }
        }
    }

    private void wake(QueueId id) {
        Tracked t = tracked.get(id);
        if (t == null) {
            return;
        }
        synchronized (t) {
            if (t.where != Where.WAITING) {
                return;
            }
            t.wake = null;
            t.where = Where.READY;
        }
        ready.add(id);
    }

    private void dispatch() {
        try {
            while (!closed) {
                QueueId id = ready.take();
                Tracked t = tracked.get(id);
                if (t == null) {
                    continue;
                }
                synchronized (t) {
                    if (t.where != Where.READY) {
                        continue;
                    }
                    t.where = Where.IN_FLIGHT;
                }
                if (!slots.tryAcquire()) {
                    metrics.limited();
                    slots.acquire();
                }
                if (closed) {
                    slots.release();
                    return;
                }
                attempts.execute(() -> {
                    try {
                        run(t);
                    } finally {
                        slots.release();
                    }
                });
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    private void run(Tracked t) {
        QueueId id = t.message.queueId();
        DeliveryAttempt.End end;
        try {
            end = attempt.run(t.message);
        } catch (RuntimeException e) {
            // A bug, not an outcome: the message stays on disk and is retried after a pause.
            LOG.error("queue_id={} attempt failed unexpectedly", id, e);
            end = new DeliveryAttempt.End.Again(t.message, clock.instant().plus(settings.rescanInterval()));
        }
        switch (end) {
            case DeliveryAttempt.End.Done done -> tracked.remove(id);
            case DeliveryAttempt.End.Gone gone -> tracked.remove(id);
            case DeliveryAttempt.End.Again again -> {
                synchronized (t) {
                    t.message = again.message();
                }
                waitUntil(t, again.at() == null ? clock.instant() : again.at());
            }
        }
    }

    /** Finds what admin tools put into active/ or deferred/ behind our back. */
    void rescan() {
        if (closed) {
            return;
        }
        try {
            for (SpoolState state : List.of(SpoolState.ACTIVE, SpoolState.DEFERRED)) {
                for (Path file : directory.files(state)) {
                    if (closed) {
                        return;
                    }
                    rescanOne(file, state);
                }
            }
            countHeldAndCorrupt();
        } catch (IOException | RuntimeException e) {
            LOG.error("queue rescan failed: {}", e.toString());
        }
    }

    private void rescanOne(Path file, SpoolState state) {
        Optional<QueueId> id = SpoolDirectory.queueIdOf(file);
        if (id.isEmpty()) {
            spool.setAside(file, "file name is not a queue id");
            return;
        }
        Tracked known = tracked.get(id.get());
        if (known != null) {
            boolean flushed;
            synchronized (known) {
                flushed = state == SpoolState.ACTIVE && known.where == Where.WAITING;
            }
            if (flushed) {
                makeReady(known);
            }
            return;
        }
        switch (SpoolFileReader.read(file)) {
            case SpoolFileRead.Readable r -> accept(r.message(), state);
            case SpoolFileRead.Uncommitted u -> spool.setAside(file, "not committed: " + u.reason());
            case SpoolFileRead.Corrupt c -> spool.setAside(file, c.reason());
            case SpoolFileRead.Missing m -> {
            }
        }
    }

    private void countHeldAndCorrupt() {
        try {
            heldCount = directory.files(SpoolState.HOLD).size();
            corruptCount = directory.files(SpoolState.CORRUPT).size();
        } catch (IOException e) {
            LOG.warn("cannot count hold/ and corrupt/: {}", e.toString());
        }
    }

    private int count(Where where) {
        int n = 0;
        for (Tracked t : tracked.values()) {
            if (t.where == where) {
                n++;
            }
        }
        return n;
    }

    /** Stops scheduling, then waits (up to the close timeout) for attempts in flight. */
    @Override
    public void close() {
        closed = true;
        dispatcher.interrupt();
        // No interrupts for the timer: it may be reading a spool file, and an interrupted
        // FileChannel would be closed under it.
        timer.shutdown();
        try {
            timer.awaitTermination(settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            dispatcher.join(settings.closeTimeout().toMillis());
            if (slots.tryAcquire(maxConcurrent, settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                slots.release(maxConcurrent);
            } else {
                LOG.warn("closing with {} delivery attempts still in flight; they are retried at the next start",
                        maxConcurrent - slots.availablePermits());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        attempts.shutdown();
    }
}
