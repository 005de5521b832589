package org.portcullis.gateway.milter;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.portcullis.filter.Address;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.Stage;
import org.portcullis.filter.Verdict;
import org.portcullis.gateway.chain.Gate;
import org.portcullis.gateway.chain.Ruling;
import org.portcullis.gateway.chain.SessionFilters;
import org.portcullis.gateway.chain.StageOutcome;
import org.portcullis.gateway.envelope.MailAddress;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.log.EventLog;
import org.portcullis.gateway.relay.RelayDecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MTA connection to the milter server, on its own virtual thread: reads the MTA's commands,
 * runs the chain's stages as the SMTP listener does (connect, HELO, MAIL FROM, RCPT TO, then
 * the headers and end-of-message stages on the message rebuilt from {@code L} and {@code B}),
 * and answers with the ruling: the exact reply of a refusal, or the changes and a decision.
 * While a stage runs longer than {@code progress_interval}, the MTA is told we are still working.
 */
final class MilterServerSession implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger("milterd");

    private final MilterServerContext context;
    private final MilterServerMetrics metrics;
    private final MilterTransport transport;
    private final String sessionId;
    private final ServerMacros macros = new ServerMacros();
    private Agreement agreement;

    // The MTA's session: from C to Q or K.
    private Gate gate;
    private SessionFilters filters;
    private InetAddress clientAddress;
    private int clientPort;
    private String reverseName;
    private String helo;
    private String tls;
    private String authUser;
    private ServerTransaction transaction;

    MilterServerSession(MilterServerContext context, MilterServerMetrics metrics, MilterTransport transport,
                        String sessionId) {
        this.context = context;
        this.metrics = metrics;
        this.transport = transport;
        this.sessionId = sessionId;
    }

    @Override
    public void run() {
        try {
            converse();
        } catch (MilterTransport.TimeoutException e) {
            metrics.timeout(agreement == null ? "negotiate" : "idle");
            EventLog.warn(LOG, queueId(), "milter_timeout", "session", sessionId, "client", clientText(),
                    "error", e.getMessage());
        } catch (MilterProtocolException e) {
            EventLog.warn(LOG, queueId(), "milter_protocol_error", "session", sessionId, "client", clientText(),
                    "error", e.getMessage());
        } catch (EOFException e) {
            EventLog.info(LOG, queueId(), "milter_disconnect", "session", sessionId, "client", clientText(),
                    "reason", "the MTA closed the connection");
        } catch (IOException e) {
            EventLog.warn(LOG, queueId(), "milter_disconnect", "session", sessionId, "client", clientText(),
                    "reason", String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("milter server session {} failed", sessionId, e);
        } finally {
            endSession();
            metrics.connection("closed");
            transport.close();
        }
    }

    /** Stops the conversation from outside (the server is closing). */
    void close() {
        transport.close();
    }

    private void converse() throws IOException, MilterTransport.TimeoutException, MilterProtocolException {
        while (true) {
            Duration wait = agreement == null ? context.config().negotiateTimeout() : context.config().idleTimeout();
            MilterPacket packet;
            try {
                packet = transport.receive(wait);
            } catch (MilterProtocolException e) {
                metrics.protocolError("-");
                throw e;
            }
            MilterCommand command;
            try {
                command = CommandDecoder.decode(packet);
            } catch (MilterProtocolException e) {
                metrics.protocolError(PacketDecoder.printable(packet.code()));
                throw e;
            }
            if (agreement == null && !(command instanceof MilterCommand.Negotiate)
                    && !(command instanceof MilterCommand.Macros) && !(command instanceof MilterCommand.Abort)
                    && !(command instanceof MilterCommand.Quit) && !(command instanceof MilterCommand.QuitNewConnection)) {
                metrics.protocolError(PacketDecoder.printable(packet.code()));
                throw new MilterProtocolException("'" + PacketDecoder.printable(packet.code())
                        + "' before option negotiation");
            }
            switch (command) {
                case MilterCommand.Negotiate offer -> negotiate(offer);
                case MilterCommand.Macros d -> {
                    metrics.command("macros");
                    macros.put(d.stage(), d.values());
                }
                case MilterCommand.Connect c -> answer(Step.CONNECT, connect(c));
                case MilterCommand.Helo h -> answer(Step.HELO, helo(h.name()));
                case MilterCommand.Mail m -> answer(Step.MAIL, mail(m));
                case MilterCommand.Rcpt r -> answer(Step.RCPT, rcpt(r));
                case MilterCommand.Data t -> answer(Step.DATA, new MilterResponse.Continue());
                case MilterCommand.Header l -> {
                    message().ifPresent(m -> m.header(l.name(), l.value(), agreement.leadingSpace()));
                    answer(Step.HEADER, new MilterResponse.Continue());
                }
                case MilterCommand.EndOfHeaders n -> {
                    message().ifPresent(ReceivedMessage::endOfHeaders);
                    answer(Step.END_OF_HEADERS, new MilterResponse.Continue());
                }
                case MilterCommand.Body b -> {
                    message().ifPresent(m -> m.body(b.chunk()));
                    answer(Step.BODY, new MilterResponse.Continue());
                }
                case MilterCommand.EndOfMessage e -> {
                    if (packet.size() > 0) {
                        message().ifPresent(m -> m.body(packet.data()));
                    }
                    endOfMessage();
                }
                case MilterCommand.Abort a -> {
                    metrics.command("abort");
                    endTransaction();
                    macros.clearMessage();
                }
                case MilterCommand.Unknown u -> answer(Step.UNKNOWN, new MilterResponse.Continue());
                case MilterCommand.Quit q -> {
                    metrics.command("quit");
                    EventLog.info(LOG, null, "milter_disconnect", "session", sessionId, "client", clientText(),
                            "reason", "quit");
                    return;
                }
                case MilterCommand.QuitNewConnection k -> {
                    metrics.command("quit_new_connection");
                    endSession();
                    macros.clear();
                }
            }
        }
    }

    // ---- negotiation ----------------------------------------------------------------------

    private void negotiate(MilterCommand.Negotiate offer) throws IOException, MilterTransport.TimeoutException,
            MilterProtocolException {
        metrics.command(Step.NEGOTIATE.label());
        if (agreement != null && filters != null) {
            metrics.protocolError("O");
            throw new MilterProtocolException("'O' in the middle of a session");
        }
        try {
            agreement = ServerNegotiation.agree(offer);
        } catch (MilterProtocolException e) {
            metrics.protocolError("O");
            throw e;
        }
        transport.maxDataSize(agreement.maxDataSize());
        send(ServerNegotiation.reply(agreement));
        EventLog.info(LOG, null, "milter_negotiated", "session", sessionId, "version", agreement.version(),
                "actions", String.format("0x%x", agreement.actions()), "protocol",
                String.format("0x%x", agreement.protocol()));
    }

    // ---- connection -----------------------------------------------------------------------

    private MilterResponse.Decision connect(MilterCommand.Connect c) throws IOException, MilterTransport.TimeoutException {
        metrics.command(Step.CONNECT.label());
        endSession();
        gate = context.gate().get();
        filters = gate.chain().openSession();
        MilterCommand.ClientAddress address = c.address();
        clientAddress = ClientNames.address(address, macros.get("client_addr"));
        clientPort = address.family() == MilterCommand.ClientAddress.UNKNOWN
                ? macros.get("client_port").map(ClientNames::port).orElse(0) : address.port();
        reverseName = ClientNames.reverseName(c.hostname(), macros.get("client_name"), macros.get("client_resolve"))
                .orElse(null);
        EventLog.info(LOG, null, "connect", "session", sessionId, "client", clientText(),
                "direction", direction().name().toLowerCase(Locale.ROOT));
        Connection connection = connection();
        Ruling ruling = stage(Step.CONNECT, Stage.CONNECT, connection, null, Optional.empty(),
                f -> f.connect(direction(), connection));
        if (!ruling.refuses()) {
            return new MilterResponse.Continue();
        }
        refused("CONNECT", ruling);
        // As the SMTP listener: a temporary refusal of the connection is 421, and the MTA hangs up.
        return switch (ruling.verdict()) {
            case Verdict.Tempfail t -> new MilterResponse.ReplyCode(421, t.enhancedCode(), t.text());
            default -> reply(ruling.verdict());
        };
    }

    private MilterResponse.Decision helo(String name) throws IOException, MilterTransport.TimeoutException {
        metrics.command(Step.HELO.label());
        if (!connected()) {
            return new MilterResponse.Continue();
        }
        endTransaction();
        tls = ClientNames.tls(macros.get("tls_version"), macros.get("cipher")).orElse(tls);
        Connection connection = connection().withHelo(name);
        Ruling ruling = stage(Step.HELO, Stage.HELO, connection, null, Optional.empty(),
                f -> f.helo(direction(), connection));
        if (ruling.refuses()) {
            refused("HELO", ruling);
            return reply(ruling.verdict());
        }
        helo = name;
        EventLog.info(LOG, null, "helo", "session", sessionId, "helo", name, "client", clientText());
        return new MilterResponse.Continue();
    }

    // ---- transaction ----------------------------------------------------------------------

    private MilterResponse.Decision mail(MilterCommand.Mail m) throws IOException, MilterTransport.TimeoutException {
        metrics.command(Step.MAIL.label());
        if (!connected()) {
            return new MilterResponse.Continue();
        }
        endTransaction();
        authUser = macros.at(MilterProtocol.MAIL, "auth_authen").filter(u -> !u.isBlank()).orElse(null);
        String mtaQueueId = macros.at(MilterProtocol.MAIL, "i").orElse(null);
        ServerTransaction t = new ServerTransaction(ourQueueId(mtaQueueId), mtaQueueId, ClientNames.path(m.sender()),
                ClientNames.parameters(m.parameters()), context.tempDir(), context.config().maxMessageSize());
        transaction = t;
        EventLog.info(LOG, t.queueId(), "from", "session", sessionId, "client", clientText(),
                "from", "<" + t.sender() + ">", "mta_queue_id", t.mtaQueueId());
        Envelope view = transaction.view(connection());
        Ruling ruling = stage(Step.MAIL, Stage.MAIL_FROM, view.connection(), view, Optional.empty(),
                f -> f.mailFrom(direction(), view));
        if (ruling.refuses()) {
            refused("MAIL", ruling);
            endTransaction();
            return reply(ruling.verdict());
        }
        t.remember(ruling.verdict());
        return new MilterResponse.Continue();
    }

    private MilterResponse.Decision rcpt(MilterCommand.Rcpt r) throws IOException, MilterTransport.TimeoutException {
        metrics.command(Step.RCPT.label());
        ServerTransaction t = transaction;
        if (t == null) {
            return new MilterResponse.Continue();
        }
        learnMtaQueueId();
        Address address = ClientNames.path(r.recipient());
        Recipient candidate = new Recipient(address, ClientNames.parameters(r.parameters()), recipientDirection(address));
        Envelope view = transaction.view(connection());
        Ruling ruling = stage(Step.RCPT, Stage.RCPT_TO, view.connection(), view, Optional.of(candidate),
                f -> f.rcptTo(direction(), view, candidate));
        if (ruling.refuses()) {
            refused("RCPT", ruling);
            return reply(ruling.verdict());
        }
        t.remember(ruling.verdict());
        t.add(candidate, r.recipient());
        EventLog.info(LOG, t.queueId(), "to", "session", sessionId, "to", "<" + address + ">", "direction",
                candidate.direction().name().toLowerCase(Locale.ROOT));
        return new MilterResponse.Continue();
    }

    /** The message file of the transaction, opened at the first part of its content. */
    private Optional<ReceivedMessage> message() {
        return transaction == null ? Optional.empty() : Optional.of(transaction.message());
    }

    private void endOfMessage() throws IOException, MilterTransport.TimeoutException {
        metrics.command(Step.END_OF_MESSAGE.label());
        long started = System.nanoTime();
        ServerTransaction t = transaction;
        if (t == null) {
            answer(Step.END_OF_MESSAGE, new MilterResponse.Continue());
            return;
        }
        learnMtaQueueId();
        ReceivedMessage message = t.message();
        message.finish();
        Direction direction = direction();
        RulingReply reply;
        Ruling ruling = null;
        if (message.failure().isPresent()) {
            spoolProblem(message.failure().get());
            reply = RulingReply.refusal(452, "4.3.1", "Insufficient system storage, try again later");
        } else if (message.tooBig()) {
            metrics.limit("message_size");
            reply = RulingReply.refusal(552, "5.3.4", "Message size exceeds fixed limit of "
                    + context.config().maxMessageSize() + " octets");
        } else if (filters.isEmpty(direction) && !gate.judge().needsMessage()) {
            reply = ServerEndOfMessage.early(t.early());
        } else {
            Envelope view = t.view(connection());
            RulingReply.Transaction envelope = t.envelope();
            Gate rules = gate;
            SessionFilters chain = filters;
            Agreement agreed = agreement;
            CompletableFuture<ServerEndOfMessage.Judged> judged = CompletableFuture.supplyAsync(
                    () -> ServerEndOfMessage.judge(rules, chain, direction, view, message, envelope, t.early(), agreed,
                            context.tempDir()), Thread::startVirtualThread);
            ServerEndOfMessage.Judged result = await(judged, Step.END_OF_MESSAGE);
            if (result == null) {
                reply = RulingReply.refusal(451, "4.3.0", "Requested action aborted: error in processing");
            } else {
                reply = result.reply();
                ruling = result.ruling();
            }
        }
        finish(reply, ruling, started);
    }

    private void finish(RulingReply reply, Ruling ruling, long started) throws IOException, MilterTransport.TimeoutException {
        ServerTransaction t = transaction;
        for (MilterResponse.Modification m : reply.modifications()) {
            metrics.modification(m);
            send(m);
        }
        metrics.decision(Step.END_OF_MESSAGE, reply.decision());
        send(reply.decision());
        metrics.stageTime(Step.END_OF_MESSAGE, Duration.ofNanos(System.nanoTime() - started));
        String decidedBy = ruling == null ? "-" : ruling.decidedBy();
        String mta = t.mtaQueueId();
        if (reply.decision() instanceof MilterResponse.ReplyCode y) {
            EventLog.warn(LOG, t.queueId(), "reject", "session", sessionId, "client", clientText(), "stage", "DATA",
                    "from", "<" + t.sender() + ">", "reply", y.code() + " " + y.enhancedCode() + " " + y.text(),
                    "decided_by", decidedBy, "mta_queue_id", mta);
        } else {
            EventLog.info(LOG, t.queueId(), reply.event(), "session", sessionId, "from", "<" + t.sender() + ">",
                    "size", t.size(), "nrcpt", t.recipientCount(), "client", clientText(),
                    "modifications", reply.modifications().size(), "decided_by", decidedBy, "mta_queue_id", mta);
        }
        if (ruling != null && !(reply.decision() instanceof MilterResponse.ReplyCode)
                && !(reply.decision() instanceof MilterResponse.Discard)
                && (!ruling.archives().isEmpty() || ruling.route().isPresent())) {
            // The MTA keeps and delivers the message: a copy to an archive or a route of ours cannot be had here.
            EventLog.warn(LOG, t.queueId(), "milter_policy_not_honoured", "session", sessionId,
                    "archives", ruling.archives().isEmpty() ? "-" : String.join(",", ruling.archives()),
                    "route", ruling.route().orElse("-"), "decided_by", decidedBy,
                    "reason", "archives and routes do not apply in milter mode; the MTA delivers the message");
        }
        endTransaction();
        macros.clearMessage();
    }

    // ---- running a stage ------------------------------------------------------------------

    /** A stage as the SMTP listener runs it ({@code SessionGate}): the chain, then the judge. */
    private Ruling stage(Step step, Stage stage, Connection connection, Envelope envelope, Optional<Recipient> recipient,
                         Function<SessionFilters, CompletableFuture<StageOutcome>> call)
            throws IOException, MilterTransport.TimeoutException {
        Direction direction = direction();
        long started = System.nanoTime();
        Ruling ruling;
        if (filters.isEmpty(direction)) {
            ruling = gate.judge().judge(stage, connection, envelope, recipient, Optional.empty(),
                    new StageOutcome(stage, List.of()));
        } else {
            CompletableFuture<Ruling> ruled = call.apply(filters).thenApply(outcome ->
                    gate.judge().judge(stage, connection, envelope, recipient, Optional.empty(), outcome));
            Ruling answer = await(ruled, step);
            ruling = answer != null ? answer : Ruling.unavailable();
        }
        metrics.stageTime(step, Duration.ofNanos(System.nanoTime() - started));
        return ruling;
    }

    /** Waits for {@code work}, telling the MTA every {@code progress_interval} that we are at it; null when it failed. */
    private <T> T await(CompletableFuture<T> work, Step step) throws IOException, MilterTransport.TimeoutException {
        long interval = context.config().progressInterval().toNanos();
        while (true) {
            try {
                return work.get(interval, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (agreement.awaitsReply(step)) {
                    send(new MilterResponse.Progress());
                    metrics.progress(step);
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                EventLog.warn(LOG, queueId(), "milter_stage_failed", "session", sessionId, "stage", step.label(),
                        "error", String.valueOf(cause.getMessage()));
                LOG.debug("stage {} failed", step.label(), cause);
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                work.cancel(true);
                throw new java.io.InterruptedIOException("interrupted while the chain ran " + step.label());
            }
        }
    }

    private void answer(Step step, MilterResponse.Decision decision) throws IOException, MilterTransport.TimeoutException {
        if (step == Step.DATA || step == Step.HEADER || step == Step.END_OF_HEADERS || step == Step.BODY
                || step == Step.UNKNOWN) {
            metrics.command(step.label());
        }
        if (agreement.awaitsReply(step)) {
            metrics.decision(step, decision);
            send(decision);
        }
    }

    private void send(MilterResponse response) throws IOException, MilterTransport.TimeoutException {
        try {
            transport.send(ResponseEncoder.encode(response), context.config().writeTimeout());
        } catch (MilterTransport.TimeoutException e) {
            metrics.timeout("write");
            throw e;
        }
    }

    // ---- state ----------------------------------------------------------------------------

    private boolean connected() {
        return filters != null;
    }

    private void endTransaction() {
        if (transaction != null) {
            transaction.close();
            transaction = null;
        }
    }

    private void endSession() {
        endTransaction();
        if (filters != null) {
            filters.close();
            filters = null;
        }
        gate = null;
        clientAddress = null;
        reverseName = null;
        helo = null;
        tls = null;
        authUser = null;
    }

    /** Postfix gives {@code i} only once a recipient is accepted: the first one seen goes into the logs beside ours. */
    private void learnMtaQueueId() {
        if (transaction.learnMtaQueueId(macros.get("i"))) {
            EventLog.info(LOG, transaction.queueId(), "mta_queue_id", "session", sessionId,
                    "mta_queue_id", transaction.mtaQueueId());
        }
    }

    /** The MTA's queue id when it is one of ours in form, else a new one. */
    private QueueId ourQueueId(String mtaQueueId) {
        if (mtaQueueId != null) {
            try {
                return new QueueId(mtaQueueId);
            } catch (IllegalArgumentException e) {
                // Postfix's long queue ids have lower case letters: we name the message ourselves.
            }
        }
        return context.queueIds().next();
    }

    /** Strangers go through the inbound chain; trusted networks and authenticated users the outbound one. */
    private Direction direction() {
        return context.relay().isTrusted(clientAddress, authUser) ? Direction.OUTBOUND : Direction.INBOUND;
    }

    private Direction recipientDirection(Address address) {
        if (address.isNull()) {
            return Direction.INBOUND;
        }
        try {
            RelayDecision decision = context.relay().checkRecipient(new MailAddress(address.localPart(),
                    address.domain()), clientAddress, authUser);
            return decision instanceof RelayDecision.Accept a && a.direction() == RelayDecision.Direction.INBOUND
                    ? Direction.INBOUND : Direction.OUTBOUND;
        } catch (IllegalArgumentException e) {
            return Direction.OUTBOUND;
        }
    }

    private Connection connection() {
        return new Connection(clientAddress, clientPort, Optional.ofNullable(reverseName), Optional.ofNullable(helo),
                Optional.ofNullable(tls), Optional.ofNullable(authUser), direction() == Direction.OUTBOUND);
    }

    private static MilterResponse.Decision reply(Verdict verdict) {
        return switch (verdict) {
            case Verdict.Reject r -> new MilterResponse.ReplyCode(r.code(), r.enhancedCode(), r.text());
            case Verdict.Tempfail t -> new MilterResponse.ReplyCode(t.code(), t.enhancedCode(), t.text());
            default -> throw new IllegalArgumentException("not a refusal: " + verdict);
        };
    }

    private void refused(String stage, Ruling ruling) {
        MilterResponse.ReplyCode y = (MilterResponse.ReplyCode) reply(ruling.verdict());
        EventLog.warn(LOG, queueId(), "reject", "session", sessionId, "client", clientText(), "stage", stage,
                "reply", y.code() + " " + y.enhancedCode() + " " + y.text(), "decided_by", ruling.decidedBy(),
                "mta_queue_id", transaction == null ? "-" : transaction.mtaQueueId());
    }

    private void spoolProblem(IOException e) {
        EventLog.warn(LOG, queueId(), "milter_message_error", "session", sessionId, "error", String.valueOf(e.getMessage()));
    }

    private QueueId queueId() {
        return transaction == null ? null : transaction.queueId();
    }

    private String clientText() {
        if (clientAddress == null) {
            return "-";
        }
        return (reverseName == null ? "unknown" : reverseName) + "[" + clientAddress.getHostAddress() + "]";
    }
}
