package org.portcullis.gateway.chain;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Headers;
import org.portcullis.filter.MailFilter;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.Stage;
import org.portcullis.filter.StageResult;
import org.portcullis.filter.Verdict;
import io.netty.util.Timeout;
import org.portcullis.gateway.log.EventLog;
import org.portcullis.gateway.net.Deadlines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The chain as one SMTP session runs it. Every stage runs on a virtual thread and answers with a
 * future, so the session's event loop never waits on a filter. Up to the headers, filters are
 * asked one after the other on that one thread and a refusal ends the stage (as with milters);
 * at the end of the message they all run side by side, and their results are still taken in
 * chain order. Each filter's turn is bounded by its timeout, kept by {@link Deadlines}.
 *
 * <p>Session instances ({@link MailFilter#forSession()}) are made when a direction's chain is
 * first used; a chain first used after the connection was greeted (an AUTH turned the session
 * outbound) is told the connect and HELO it missed, its answers to them only logged.
 */
public final class SessionFilters implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("filter");

    private final FilterChain chain;
    private final ExecutorService threads;
    private final ChainMetrics metrics;
    private final Map<Direction, List<MailFilter>> instances = new EnumMap<>(Direction.class);
    private Connection connected;
    private Connection greeted;
    private boolean closed;

    SessionFilters(FilterChain chain, ExecutorService threads, ChainMetrics metrics) {
        this.chain = chain;
        this.threads = threads;
        this.metrics = metrics;
    }

    /** Whether the chain of this direction has no filters: its stages need no thread at all. */
    public boolean isEmpty(Direction direction) {
        return chain.filters(direction).isEmpty();
    }

    public CompletableFuture<StageOutcome> connect(Direction direction, Connection connection) {
        connected = connection;
        return sequential(direction, Stage.CONNECT, null, f -> f.onConnect(connection));
    }

    public CompletableFuture<StageOutcome> helo(Direction direction, Connection connection) {
        greeted = connection;
        return sequential(direction, Stage.HELO, null, f -> f.onHelo(connection));
    }

    public CompletableFuture<StageOutcome> mailFrom(Direction direction, Envelope envelope) {
        return sequential(direction, Stage.MAIL_FROM, envelope.queueId(), f -> f.onMailFrom(envelope));
    }

    public CompletableFuture<StageOutcome> rcptTo(Direction direction, Envelope envelope, Recipient recipient) {
        return sequential(direction, Stage.RCPT_TO, envelope.queueId(), f -> f.onRcptTo(envelope, recipient));
    }

    public CompletableFuture<StageOutcome> headers(Direction direction, Envelope envelope, Headers headers) {
        return sequential(direction, Stage.HEADERS, envelope.queueId(), f -> f.onHeaders(envelope, headers));
    }

    /** Every filter at once; results in chain order, each within its own timeout. */
    public CompletableFuture<StageOutcome> endOfMessage(Direction direction, MessageView message) {
        return start(direction, Stage.END_OF_MESSAGE, message.envelope().queueId(), false, f -> f.onEndOfMessage(message));
    }

    private CompletableFuture<StageOutcome> sequential(Direction direction, Stage stage, String queueId,
                                                       Function<MailFilter, StageResult> call) {
        return start(direction, stage, queueId, true, call);
    }

    private CompletableFuture<StageOutcome> start(Direction direction, Stage stage, String queueId, boolean sequential,
                                                  Function<MailFilter, StageResult> call) {
        List<ChainedFilter> filters = chain.filters(direction);
        if (filters.isEmpty()) {
            return CompletableFuture.completedFuture(StageOutcome.empty(stage));
        }
        Run run = new Run(direction, stage, queueId, sequential, filters, call);
        threads.execute(run::begin);
        return run.done;
    }

    /**
     * One stage's run through the chain. Each filter's turn fills its slot, either with its answer
     * or, when its timeout passes first, with a failure (and the filter's thread is interrupted);
     * whichever comes first counts. A filter runs on the thread that reached it — the stage's own
     * thread, or the one before it in the chain — so a stage costs one thread hand-off, not one
     * per filter. Only a filter past its timeout leaves its thread behind: the rest of the chain
     * goes on on a new one.
     */
    private final class Run {

        private final Direction direction;
        private final Stage stage;
        private final String queueId;
        private final boolean sequential;
        private final List<ChainedFilter> filters;
        private final Function<MailFilter, StageResult> call;
        private final FilterOutcome[] outcomes;
        private final AtomicBoolean[] claimed;
        private final AtomicInteger unfilled;
        private final CompletableFuture<StageOutcome> done = new CompletableFuture<>();
        private List<MailFilter> session;

        Run(Direction direction, Stage stage, String queueId, boolean sequential, List<ChainedFilter> filters,
            Function<MailFilter, StageResult> call) {
            this.direction = direction;
            this.stage = stage;
            this.queueId = queueId;
            this.sequential = sequential;
            this.filters = filters;
            this.call = call;
            this.outcomes = new FilterOutcome[filters.size()];
            this.claimed = new AtomicBoolean[filters.size()];
            for (int i = 0; i < claimed.length; i++) {
                claimed[i] = new AtomicBoolean();
            }
            this.unfilled = new AtomicInteger(filters.size());
        }

        void begin() {
            try {
                session = instances(direction, stage);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return;
            }
            if (sequential) {
                runFrom(0);
                return;
            }
            // Side by side: every filter but the first on a thread of its own, the first on this one.
            for (int i = 1; i < filters.size(); i++) {
                int index = i;
                threads.execute(() -> turn(index));
            }
            turn(0);
        }

        /** The chain from filter {@code first} on, one after the other, until one refuses. */
        private void runFrom(int first) {
            for (int i = first; i < filters.size(); i++) {
                if (!turn(i)) {
                    return;
                }
                if (stops(outcomes[i])) {
                    finish(i + 1);
                    return;
                }
            }
            finish(filters.size());
        }

        /**
         * Filter {@code i}'s turn on this thread. True when its answer filled the slot; false when
         * its timeout did (the timer then carried the run on).
         */
        private boolean turn(int i) {
            ChainedFilter filter = filters.get(i);
            MailFilter instance = session.get(i);
            Thread runner = Thread.currentThread();
            long started = System.nanoTime();
            Timeout deadline = Deadlines.after(filter.timeout(), () -> timedOut(i, filter, runner));
            FilterOutcome outcome;
            try {
                StageResult answer = withQueueId(queueId, () -> call.apply(instance));
                outcome = answered(filter, stage, answer == null ? StageResult.proceed() : answer, started);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                LOG.debug("filter {} failed at {}", filter.name(), stage, e);
                outcome = failed(filter, stage, queueId, String.valueOf(e.getMessage() == null
                        ? e.getClass().getSimpleName() : e.getMessage()), false);
            }
            deadline.cancel();
            if (!claimed[i].compareAndSet(false, true)) {
                // Too late: the timeout was counted. Clear the interrupt the timer may have sent.
                Thread.interrupted();
                return false;
            }
            filled(i, outcome);
            return true;
        }

        /** On the timer's thread: filter {@code i} is past its timeout, unless it answered just now. */
        private void timedOut(int i, ChainedFilter filter, Thread runner) {
            if (!claimed[i].compareAndSet(false, true)) {
                return;
            }
            runner.interrupt();
            FilterOutcome outcome = failed(filter, stage, queueId,
                    "timed out after " + filter.timeout().toMillis() + " ms", true);
            filled(i, outcome);
            if (!sequential) {
                return;
            }
            // The runner is stuck in the filter: the rest of the chain goes on without it.
            if (stops(outcome)) {
                finish(i + 1);
            } else if (i == filters.size() - 1) {
                finish(filters.size());
            } else {
                threads.execute(() -> runFrom(i + 1));
            }
        }

        private void filled(int i, FilterOutcome outcome) {
            synchronized (this) {
                outcomes[i] = outcome;
            }
            if (!sequential && unfilled.decrementAndGet() == 0) {
                finish(filters.size());
            }
        }

        private void finish(int count) {
            List<FilterOutcome> list = new ArrayList<>(count);
            synchronized (this) {
                for (int i = 0; i < count; i++) {
                    list.add(outcomes[i]);
                }
            }
            done.complete(new StageOutcome(stage, list));
        }
    }

    private static boolean stops(FilterOutcome outcome) {
        Optional<Verdict> verdict = outcome.result().verdict();
        // A refusal (or an accept) ends a stage that asks one filter after the other, as with milters.
        return verdict.isPresent() && !(verdict.get() instanceof Verdict.Continue);
    }

    private FilterOutcome answered(ChainedFilter filter, Stage stage, StageResult result, long started) {
        metrics.time(filter.name(), stage, System.nanoTime() - started);
        metrics.findings(filter.name(), result.findings().size());
        result.verdict().ifPresent(v -> metrics.verdict(filter.name(), v));
        return new FilterOutcome(filter.name(), result, Optional.empty());
    }

    private FilterOutcome failed(ChainedFilter filter, Stage stage, String queueId, String why, boolean timeout) {
        metrics.failure(filter.name(), timeout);
        EventLog.warn(LOG, queueId == null ? null : new org.portcullis.gateway.envelope.QueueId(queueId),
                "filter_failed", "filter", filter.name(), "stage", stage.name().toLowerCase(java.util.Locale.ROOT),
                "error", why, "action", filter.failOpen() ? "accept" : "tempfail");
        StageResult result = filter.failOpen()
                ? StageResult.finding(Finding.of("filter.failed", filter.name() + ": " + why))
                : StageResult.verdict(new Verdict.Tempfail(451, "4.7.1",
                        "Message filter " + filter.name() + " is unavailable, try again later"));
        return new FilterOutcome(filter.name(), result, Optional.of(why));
    }

    /** The session's own instances of a direction's filters, made on first use. */
    private synchronized List<MailFilter> instances(Direction direction, Stage now) {
        List<MailFilter> session = instances.get(direction);
        if (session == null) {
            session = new ArrayList<>();
            for (ChainedFilter f : chain.filters(direction)) {
                session.add(f.filter().forSession());
            }
            instances.put(direction, session);
            catchUp(session, now);
        }
        return session;
    }

    /** Tells a chain first used mid-session the connect and HELO it missed. */
    private void catchUp(List<MailFilter> session, Stage now) {
        for (MailFilter filter : session) {
            try {
                if (connected != null && now.compareTo(Stage.CONNECT) > 0) {
                    filter.onConnect(connected);
                }
                if (greeted != null && now.compareTo(Stage.HELO) > 0) {
                    filter.onHelo(greeted);
                }
            } catch (RuntimeException e) {
                LOG.debug("filter catch-up failed", e);
            }
        }
    }

    /** Runs {@code call} with the queue id in the logging context, so a filter's own log lines carry it. */
    private static StageResult withQueueId(String queueId, Supplier<StageResult> call) {
        if (queueId == null) {
            return call.get();
        }
        try (var ignored = MDC.putCloseable(EventLog.MDC_QUEUE_ID, queueId)) {
            return call.get();
        }
    }

    /** The session is over: each session instance is closed. */
    @Override
    public void close() {
        boolean first;
        synchronized (this) {
            first = !closed;
            closed = true;
            closeInstances();
        }
        if (first) {
            chain.sessionClosed();
        }
    }

    private void closeInstances() {
        for (List<MailFilter> session : instances.values()) {
            for (MailFilter filter : session) {
                try {
                    filter.close();
                } catch (RuntimeException e) {
                    LOG.debug("closing a filter failed", e);
                }
            }
        }
        instances.clear();
    }
}
