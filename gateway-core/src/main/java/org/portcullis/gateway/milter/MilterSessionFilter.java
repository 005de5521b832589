package org.portcullis.gateway.milter;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Header;
import org.portcullis.filter.Headers;
import org.portcullis.filter.MailFilter;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.StageResult;
import org.portcullis.filter.Verdict;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.log.EventLog;
import org.portcullis.gateway.milter.MilterResponse.Decision;
import org.portcullis.gateway.milter.MilterSession.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP session's view of one milter: opens the milter connection at the first stage, maps
 * each stage to its milter steps, and keeps the state that the protocol needs across stages —
 * whether the milter is done with the connection or the message, and whether a transaction
 * must be aborted before the next one.
 */
final class MilterSessionFilter implements MailFilter {

    private static final Logger log = LoggerFactory.getLogger(MilterSessionFilter.class);

    private final MilterSettings settings;
    private final MilterMetrics metrics;
    private final MilterSession.Opener opener;
    private final MacroValues macroValues;
    private final ReplyTranslator translator;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<BodyReplacement> replacements = new ArrayList<>();

    private MilterSession session;
    private boolean connectSent;
    private boolean connectionDone;
    private boolean transactionOpen;
    private boolean headersSent;
    /** Set when the milter gave its last word on the message before its end. */
    private Optional<StageResult> messageDone = Optional.empty();
    private boolean closed;
    /** Set by the first failure: the rest of the session fails fast instead of waiting on the milter again. */
    private MilterUnavailableException broken;

    MilterSessionFilter(MilterSettings settings, MilterMetrics metrics, MilterSession.Opener opener, MacroValues macroValues) {
        this.settings = settings;
        this.metrics = metrics;
        this.opener = opener;
        this.macroValues = macroValues;
        this.translator = new ReplyTranslator(settings.name());
    }

    @Override
    public StageResult onConnect(Connection connection) {
        return locked(Step.CONNECT, null, () -> start(connection).orElse(StageResult.proceed()));
    }

    @Override
    public StageResult onHelo(Connection connection) {
        return locked(Step.HELO, null, () -> {
            Optional<StageResult> early = start(connection);
            if (early.isPresent() || connectionDone) {
                return early.orElse(StageResult.proceed());
            }
            // A new HELO in the middle of a transaction resets it, as RSET would.
            abortTransaction();
            Reply reply = session.step(Step.HELO, names -> macroValues.values(names, connection, Optional.empty(),
                    Optional.empty()), new MilterCommand.Helo(connection.helo().orElse("")));
            if (reply.decision() instanceof MilterResponse.Accept) {
                connectionDone = true;
            }
            return decided(Step.HELO, reply.decision(), null);
        });
    }

    @Override
    public StageResult onMailFrom(Envelope envelope) {
        return locked(Step.MAIL, envelope.queueId(), () -> {
            Optional<StageResult> early = start(envelope.connection());
            if (early.isPresent() || connectionDone) {
                return early.orElse(StageResult.proceed());
            }
            abortTransaction();
            transactionOpen = true;
            List<String> args = new ArrayList<>();
            envelope.senderParameters().forEach((k, v) -> args.add(v.isEmpty() ? k : k + "=" + v));
            Reply reply = session.step(Step.MAIL, names -> macroValues.values(names, envelope.connection(),
                    Optional.of(envelope), Optional.empty()), new MilterCommand.Mail("<" + envelope.sender() + ">", args));
            return messageDecision(Step.MAIL, reply.decision(), envelope.queueId());
        });
    }

    @Override
    public StageResult onRcptTo(Envelope envelope, Recipient recipient) {
        return locked(Step.RCPT, envelope.queueId(), () -> {
            Optional<StageResult> early = start(envelope.connection());
            if (early.isPresent() || finishedEarly()) {
                return early.orElse(StageResult.proceed());
            }
            List<String> args = new ArrayList<>();
            recipient.parameters().forEach((k, v) -> args.add(v.isEmpty() ? k : k + "=" + v));
            Reply reply = session.step(Step.RCPT, names -> macroValues.values(names, envelope.connection(),
                    Optional.of(envelope), Optional.of(recipient)), new MilterCommand.Rcpt("<" + recipient.address() + ">", args));
            Decision d = reply.decision();
            // A refusal at RCPT refuses that recipient only; accept and discard are about the message.
            if (d instanceof MilterResponse.Accept || d instanceof MilterResponse.Discard) {
                return messageDecision(Step.RCPT, d, envelope.queueId());
            }
            return decided(Step.RCPT, d, envelope.queueId());
        });
    }

    @Override
    public StageResult onHeaders(Envelope envelope, Headers headers) {
        return locked(Step.DATA, envelope.queueId(), () -> {
            Optional<StageResult> early = start(envelope.connection());
            if (early.isPresent() || finishedEarly()) {
                return early.orElse(StageResult.proceed());
            }
            return sendHeaders(envelope, headers);
        });
    }

    @Override
    public StageResult onEndOfMessage(MessageView message) {
        Envelope envelope = message.envelope();
        return locked(Step.END_OF_MESSAGE, envelope.queueId(), () -> {
            Optional<StageResult> early = start(envelope.connection());
            if (early.isPresent() || connectionDone) {
                return early.orElse(StageResult.proceed());
            }
            if (messageDone.isPresent()) {
                return messageDone.get();
            }
            if (!headersSent) {
                StageResult headerResult = sendHeaders(envelope, message.headers());
                if (messageDone.isPresent()) {
                    return headerResult;
                }
            }
            if (sendBody(message, envelope)) {
                return messageDone.orElseThrow();
            }
            Reply reply = session.step(Step.END_OF_MESSAGE, names -> macroValues.values(names, envelope.connection(),
                    Optional.of(envelope), Optional.empty()), new MilterCommand.EndOfMessage());
            transactionOpen = false;
            headersSent = false;
            BodyReplacement body = new BodyReplacement(settings.bodyInMemory(), settings.tempDir());
            replacements.add(body);
            StageResult result;
            try {
                result = translator.endOfMessage(reply.modifications(), reply.decision(),
                        session.agreement().leadingSpace(), body);
            } catch (MilterProtocolException e) {
                throw session.protocolError(Step.END_OF_MESSAGE, e);
            } catch (IOException e) {
                // Our temporary file for the new body could not be written: a local fault.
                throw new java.io.UncheckedIOException("cannot keep the body from milter " + settings.name(), e);
            }
            logDecision(Step.END_OF_MESSAGE, reply.decision(), envelope.queueId(), result);
            reply.modifications().stream()
                    .filter(m -> m instanceof MilterResponse.ChangeSender e && e.parameters().isPresent())
                    .forEach(m -> EventLog.warn(log, queueId(envelope.queueId()), "milter_sender_parameters_ignored",
                            "milter", settings.name(), "parameters", ((MilterResponse.ChangeSender) m).parameters().get()));
            return result;
        });
    }

    /** Sends {@code A} and {@code Q} as due, closes the milter connection and removes temporary files. */
    @Override
    public void close() {
        // A stage may still be waiting on the milter (the chain gave up on it): then cut the
        // connection at once instead of waiting for the stage to finish.
        if (!lock.tryLock()) {
            MilterSession s = session;
            if (s != null) {
                s.closeNow();
            }
            lock.lock();
        }
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (session != null) {
                if (transactionOpen && session.usable()) {
                    try {
                        session.abort();
                    } catch (MilterUnavailableException e) {
                        // Closing anyway.
                    }
                }
                session.close();
            }
            replacements.forEach(BodyReplacement::close);
            replacements.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Opens the connection and sends {@code C} once; a non-empty result is the connect decision that ends everything. */
    private Optional<StageResult> start(Connection connection) {
        if (session == null) {
            session = MilterSession.open(settings, metrics, opener);
        }
        if (connectSent || connectionDone) {
            return Optional.empty();
        }
        connectSent = true;
        String hostname = connection.reverseName().orElse("[" + connection.address().getHostAddress() + "]");
        Reply reply = session.step(Step.CONNECT, names -> macroValues.values(names, connection, Optional.empty(),
                Optional.empty()), new MilterCommand.Connect(hostname,
                MilterCommand.ClientAddress.of(connection.address(), connection.port())));
        if (reply.decision() instanceof MilterResponse.Continue) {
            return Optional.empty();
        }
        connectionDone = true;
        return Optional.of(decided(Step.CONNECT, reply.decision(), null));
    }

    private StageResult sendHeaders(Envelope envelope, Headers headers) {
        headersSent = true;
        Reply data = session.step(Step.DATA, names -> macroValues.values(names, envelope.connection(),
                Optional.of(envelope), Optional.empty()), new MilterCommand.Data());
        if (!(data.decision() instanceof MilterResponse.Continue)) {
            return messageDecision(Step.DATA, data.decision(), envelope.queueId());
        }
        boolean leadingSpace = session.agreement().leadingSpace();
        for (Header header : headers.all()) {
            Reply reply = session.step(Step.HEADER, names -> Map.of(),
                    new MilterCommand.Header(header.name(), headerValue(header.raw(), leadingSpace)));
            if (!(reply.decision() instanceof MilterResponse.Continue)) {
                return messageDecision(Step.HEADER, reply.decision(), envelope.queueId());
            }
        }
        Reply eoh = session.step(Step.END_OF_HEADERS, names -> macroValues.values(names, envelope.connection(),
                Optional.of(envelope), Optional.empty()), new MilterCommand.EndOfHeaders());
        return messageDecision(Step.END_OF_HEADERS, eoh.decision(), envelope.queueId());
    }

    /** Streams the body in chunks; true when the milter ended the message on the way. */
    private boolean sendBody(MessageView message, Envelope envelope) {
        if (!session.agreement().sends(Step.BODY)) {
            return false;
        }
        byte[] buffer = new byte[session.agreement().maxDataSize()];
        try (InputStream raw = message.openRaw()) {
            InputStream body = MessageBody.of(raw);
            int n;
            while ((n = MessageBody.readChunk(body, buffer)) > 0) {
                Reply reply = session.step(Step.BODY, names -> Map.of(), new MilterCommand.Body(Arrays.copyOf(buffer, n)));
                Decision d = reply.decision();
                if (d instanceof MilterResponse.Skip) {
                    return false;
                }
                if (!(d instanceof MilterResponse.Continue)) {
                    messageDecision(Step.BODY, d, envelope.queueId());
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            // Our own spool could not be read: not the milter's fault, and not an expected outcome.
            throw new java.io.UncheckedIOException("cannot read the message for milter " + settings.name(), e);
        }
    }

    /**
     * A header value as the milter expects it: everything after the colon, lines of a folded
     * field separated by LF alone (as Sendmail and Postfix send them), and without the single
     * leading space unless HDR_LEADSPC was agreed. {@link Header#raw()} is taken as the text
     * after the colon, folding and leading white space included.
     */
    static String headerValue(String raw, boolean leadingSpace) {
        String v = raw.endsWith("\r\n") ? raw.substring(0, raw.length() - 2) : raw;
        v = v.replace("\r\n", "\n");
        if (!leadingSpace && v.startsWith(" ")) {
            v = v.substring(1);
        }
        return v;
    }

    private boolean finishedEarly() {
        return connectionDone || messageDone.isPresent();
    }

    /** A decision about the whole message before its end: after anything but continue, the milter hears no more of it. */
    private StageResult messageDecision(Step step, Decision decision, String queueId) {
        StageResult result = decided(step, decision, queueId);
        if (decision instanceof MilterResponse.ConnectionFailure) {
            return result;
        }
        if (!(decision instanceof MilterResponse.Continue)) {
            // Repeated at the end of the message, where the chain decides about it; an accept has
            // nothing to repeat (findings were reported once, at this stage).
            StageResult last = result.verdict().filter(v -> !(v instanceof Verdict.Accept))
                    .map(StageResult::verdict).orElse(StageResult.proceed());
            messageDone = Optional.of(last);
        }
        return result;
    }

    private StageResult decided(Step step, Decision decision, String queueId) {
        StageResult result = translator.decision(decision);
        if (decision instanceof MilterResponse.ConnectionFailure) {
            connectionDone = true;
            session.close();
        }
        logDecision(step, decision, queueId, result);
        return result;
    }

    private void abortTransaction() {
        if (transactionOpen) {
            session.abort();
        }
        transactionOpen = false;
        headersSent = false;
        messageDone = Optional.empty();
        replacements.forEach(BodyReplacement::close);
        replacements.clear();
    }

    private void logDecision(Step step, Decision decision, String queueId, StageResult result) {
        if (decision instanceof MilterResponse.Continue || decision instanceof MilterResponse.Skip) {
            return;
        }
        EventLog.info(log, queueId(queueId), "milter_decision", "milter", settings.name(), "stage", step.label(),
                "decision", decision.label(), "verdict", result.verdict().map(MilterSessionFilter::describe).orElse("none"),
                "mutations", result.mutations().size());
    }

    private static String describe(Verdict v) {
        return switch (v) {
            case Verdict.Reject r -> r.code() + " " + r.enhancedCode() + " " + r.text();
            case Verdict.Tempfail t -> t.code() + " " + t.enhancedCode() + " " + t.text();
            case Verdict.Quarantine q -> "quarantine " + q.reason();
            case Verdict.Accept a -> "accept";
            case Verdict.Discard d -> "discard";
            case Verdict.Continue c -> "continue";
        };
    }

    private StageResult locked(Step step, String queueId, java.util.function.Supplier<StageResult> stage) {
        lock.lock();
        try {
            if (closed || broken != null) {
                throw new MilterUnavailableException(settings.name(), MilterUnavailableException.Reason.FAILED_EARLIER,
                        closed ? "the session's milter connection was closed"
                                : "failed earlier in this session: " + broken.getMessage());
            }
            return stage.get();
        } catch (MilterUnavailableException e) {
            if (broken == null) {
                broken = e;
            }
            EventLog.warn(log, queueId(queueId), "milter_failure", "milter", settings.name(), "stage", step.label(),
                    "reason", e.reason().name().toLowerCase(java.util.Locale.ROOT), "detail", e.getMessage());
            throw e;
        } finally {
            lock.unlock();
        }
    }

    private static QueueId queueId(String id) {
        try {
            return id == null || id.isEmpty() ? null : new QueueId(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
