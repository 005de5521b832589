package org.portcullis.gateway.chain;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
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
import org.portcullis.gateway.log.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The chain as one SMTP session runs it. Every stage runs on virtual threads and answers with a
 * future, so the session's event loop never waits on a filter. Up to the headers, filters are
 * asked one after the other and a refusal ends the stage (as with milters); at the end of the
 * message they all run side by side, and their results are still taken in chain order.
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
        List<ChainedFilter> filters = chain.filters(direction);
        if (filters.isEmpty()) {
            return CompletableFuture.completedFuture(StageOutcome.empty(Stage.END_OF_MESSAGE));
        }
        String queueId = message.envelope().queueId();
        return CompletableFuture.supplyAsync(() -> {
            List<MailFilter> session = instances(direction, Stage.END_OF_MESSAGE);
            List<Future<StageResult>> running = new ArrayList<>();
            long started = System.nanoTime();
            for (MailFilter filter : session) {
                running.add(threads.submit(withQueueId(queueId, () -> filter.onEndOfMessage(message))));
            }
            List<FilterOutcome> outcomes = new ArrayList<>();
            for (int i = 0; i < filters.size(); i++) {
                outcomes.add(await(filters.get(i), Stage.END_OF_MESSAGE, queueId, running.get(i), started));
            }
            return new StageOutcome(Stage.END_OF_MESSAGE, outcomes);
        }, threads);
    }

    private CompletableFuture<StageOutcome> sequential(Direction direction, Stage stage, String queueId,
                                                       Function<MailFilter, StageResult> call) {
        List<ChainedFilter> filters = chain.filters(direction);
        if (filters.isEmpty()) {
            return CompletableFuture.completedFuture(StageOutcome.empty(stage));
        }
        return CompletableFuture.supplyAsync(() -> {
            List<MailFilter> session = instances(direction, stage);
            List<FilterOutcome> outcomes = new ArrayList<>();
            for (int i = 0; i < filters.size(); i++) {
                MailFilter filter = session.get(i);
                long started = System.nanoTime();
                Future<StageResult> future = threads.submit(withQueueId(queueId, () -> call.apply(filter)));
                FilterOutcome outcome = await(filters.get(i), stage, queueId, future, started);
                outcomes.add(outcome);
                Optional<Verdict> verdict = outcome.result().verdict();
                if (verdict.isPresent() && !(verdict.get() instanceof Verdict.Continue)) {
                    break; // a refusal (or an accept) ends the stage, as with milters
                }
            }
            return new StageOutcome(stage, outcomes);
        }, threads);
    }

    private FilterOutcome await(ChainedFilter filter, Stage stage, String queueId, Future<StageResult> future,
                                long started) {
        long deadline = started + filter.timeout().toNanos();
        try {
            StageResult answer = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            StageResult result = answer == null ? StageResult.proceed() : answer;
            metrics.time(filter.name(), stage, System.nanoTime() - started);
            metrics.findings(filter.name(), result.findings().size());
            result.verdict().ifPresent(v -> metrics.verdict(filter.name(), v));
            return new FilterOutcome(filter.name(), result, Optional.empty());
        } catch (TimeoutException e) {
            future.cancel(true);
            return failed(filter, stage, queueId, "timed out after " + filter.timeout().toMillis() + " ms", true);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.debug("filter {} failed at {}", filter.name(), stage, cause);
            return failed(filter, stage, queueId, String.valueOf(cause.getMessage() == null
                    ? cause.getClass().getSimpleName() : cause.getMessage()), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return failed(filter, stage, queueId, "interrupted", false);
        }
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

    private static <T> Callable<T> withQueueId(String queueId, Callable<T> call) {
        return () -> {
            if (queueId == null) {
                return call.call();
            }
            try (var ignored = MDC.putCloseable(EventLog.MDC_QUEUE_ID, queueId)) {
                return call.call();
            }
        };
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
