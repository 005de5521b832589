package org.portcullis.gateway.smtp;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Stage;
import org.portcullis.gateway.envelope.ClientInfo;
import org.portcullis.gateway.log.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP connection: the RFC 5321 state machine, on the connection's event loop. It reads
 * {@link SmtpInput}s from the {@link SmtpFramer}, answers every command with an
 * {@link SmtpReply}, and pauses the framer whenever it waits for something slow, so that replies
 * to pipelined commands always come in order.
 *
 * <p>The envelope commands and the message transfer are in {@link MailTransaction}; this class
 * keeps the session-wide state: greeting, HELO/EHLO, STARTTLS, AUTH, limits and timeouts.
 */
final class SmtpSession extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger("smtpd");

    private final SmtpServerContext context;
    private final SmtpMetrics metrics;
    private final SmtpFramer framer;
    private final SessionClock clock;
    private ChannelHandlerContext ctx;
    private String sessionId;
    private InetSocketAddress client;
    private String reverseName;
    private String helo;
    private boolean esmtp;
    private String tls;
    private String authUser;
    private SaslExchange sasl;
    private MailTransaction transaction;
    private int commands;
    private int errors;
    private boolean closing;
    private SessionGate gate;

    SmtpSession(SmtpServerContext context, SmtpMetrics metrics, SmtpFramer framer) {
        this.context = context;
        this.metrics = metrics;
        this.framer = framer;
        this.clock = new SessionClock(context.config(), this::timedOut);
    }

    // ---- connection lifecycle -------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.sessionId = ctx.channel().id().asShortText();
        this.client = (InetSocketAddress) ctx.channel().remoteAddress();
        metrics.sessionStarted();
        metrics.activeSessions.incrementAndGet();
        gate = new SessionGate(this, context.gate().get());
        framer.pause();
        context.reverseName().apply(client.getAddress())
                .completeOnTimeout(Optional.empty(), 30, TimeUnit.SECONDS)
                .whenComplete((name, error) -> ctx.executor().execute(() -> greet(name)));
    }

    private void greet(Optional<String> name) {
        if (!ctx.channel().isActive()) {
            return;
        }
        reverseName = name == null ? null : name.orElse(null);
        EventLog.info(LOG, null, "connect", "session", sessionId, "client", clientText());
        clock.start(ctx);
        gate.run(Stage.CONNECT, direction(), filterConnection(), null, Optional.empty(), Optional.empty(),
                filters -> filters.connect(direction(), filterConnection()), ruling -> {
                    if (ruling.refuses()) {
                        refused("CONNECT", ruling);
                        SmtpReply refusal = SessionGate.reply(ruling.verdict());
                        close(ruling.verdict() instanceof org.portcullis.filter.Verdict.Tempfail
                                ? SmtpReply.of(421, refusal.enhanced(), refusal.lines().get(0)) : refusal);
                        return;
                    }
                    ctx.write(wire(new SmtpReply(220, null, java.util.List.of(context.hostname() + " ESMTP Portcullis"))));
                    framer.resume();
                });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        metrics.activeSessions.decrementAndGet();
        clock.stop();
        if (transaction != null) {
            transaction.abort();
        }
        if (gate != null) {
            gate.close();
        }
        EventLog.info(LOG, null, "disconnect", "session", sessionId, "client", clientText(),
                "commands", commands, "errors", errors);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("session={} client={} error: {}", sessionId, clientText(), cause.toString());
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                var session = ctx.pipeline().get(SslHandler.class).engine().getSession();
                tls = session.getProtocol() + " with cipher " + session.getCipherSuite();
                EventLog.info(LOG, null, "starttls", "session", sessionId, "tls", tls);
            } else {
                metrics.tlsHandshakeFailures.increment();
                EventLog.warn(LOG, null, "starttls_failed", "session", sessionId, "client", clientText(),
                        "error", String.valueOf(done.cause().getMessage()));
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    // ---- input ----------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            if (msg instanceof SmtpInput.Content content) {
                content.bytes().release();
            }
            return;
        }
        clock.activity();
        switch ((SmtpInput) msg) {
            case SmtpInput.Line line -> onLine(line.text());
            case SmtpInput.Refused refused -> onRefusedLine(refused.reason());
            case SmtpInput.Content content -> transaction.content(content.bytes());
            case SmtpInput.ContentEnd end -> transaction.contentEnd(end.chunk());
        }
    }

    private void onRefusedLine(SmtpInput.Reason reason) {
        if (!countCommand()) {
            return;
        }
        if (reason == SmtpInput.Reason.LINE_TOO_LONG) {
            metrics.limit(SmtpMetrics.Limit.LINE_LENGTH);
        }
        sasl = null;
        reply(500, "5.5.2", "Error: " + reason.text);
    }

    private void onLine(String line) {
        if (!countCommand()) {
            return;
        }
        clock.commandSeen();
        if (sasl != null) {
            authStep(sasl.respond(line));
            return;
        }
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1);
        switch (verb) {
            case "EHLO" -> hello(argument, true);
            case "HELO" -> hello(argument, false);
            case "MAIL" -> withHelo(() -> transaction().mail(argument));
            case "RCPT" -> withTransaction(() -> transaction.rcpt(argument));
            case "DATA" -> withTransaction(() -> transaction.data(argument));
            case "BDAT" -> bdat(argument);
            case "RSET" -> {
                resetTransaction();
                reply(250, "2.0.0", "Ok");
            }
            case "NOOP" -> reply(250, "2.0.0", "Ok");
            case "QUIT" -> {
                closing = true;
                ctx.writeAndFlush(wire(SmtpReply.of(221, "2.0.0", "Bye"))).addListener(ChannelFutureListener.CLOSE);
            }
            case "STARTTLS" -> startTls(argument);
            case "AUTH" -> auth(argument);
            case "VRFY", "EXPN" -> reply(502, "5.5.1", "Error: " + verb + " is disabled");
            case "HELP" -> reply(214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT STARTTLS AUTH");
            case "GET", "POST", "HEAD", "PUT", "CONNECT", "OPTIONS" -> {
                EventLog.warn(LOG, null, "protocol_error", "session", sessionId, "client", clientText(), "command", verb);
                close(SmtpReply.of(421, "4.7.0", context.hostname() + " Error: this is an SMTP server, closing"));
            }
            default -> reply(500, "5.5.2", "Error: command not recognized");
        }
    }

    /** @return false when the session ended for having sent too many commands */
    private boolean countCommand() {
        if (++commands > context.config().maxCommands()) {
            metrics.limit(SmtpMetrics.Limit.COMMANDS);
            close(SmtpReply.of(421, "4.7.0", context.hostname() + " Error: too many commands, closing"));
            return false;
        }
        return true;
    }

    // ---- HELO / EHLO ----------------------------------------------------------------------

    private void hello(String argument, boolean extended) {
        String name = argument.strip();
        if (name.isEmpty() || name.contains(" ")) {
            reply(501, "5.5.4", "Syntax: " + (extended ? "EHLO" : "HELO") + " hostname");
            return;
        }
        resetTransaction();
        gate.run(Stage.HELO, direction(), filterConnection().withHelo(name), null, Optional.empty(), Optional.empty(),
                filters -> filters.helo(direction(), filterConnection().withHelo(name)), ruling -> {
                    if (ruling.refuses()) {
                        refused("HELO", ruling);
                        send(SessionGate.reply(ruling.verdict()));
                    } else {
                        greeted(name, extended);
                    }
                });
    }

    private void greeted(String name, boolean extended) {
        helo = name;
        esmtp = extended;
        EventLog.info(LOG, null, "helo", "session", sessionId, "helo", name, "client", clientText());
        String greeting = context.hostname() + " Hello " + name + " [" + client.getAddress().getHostAddress() + "]";
        if (!extended) {
            reply(250, "2.0.0", greeting);
            return;
        }
        var lines = new java.util.ArrayList<String>();
        lines.add(greeting);
        lines.add("PIPELINING");
        lines.add("SIZE " + context.config().maxMessageSize());
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("CHUNKING");
        lines.add("DSN");
        if (context.tls() != null && tls == null) {
            lines.add("STARTTLS");
        }
        if (context.authenticator() != null && tls != null && authUser == null) {
            lines.add("AUTH " + SaslExchange.MECHANISMS);
        }
        // RFC 2034: no enhanced codes in the EHLO response, whose lines are keywords.
        send(new SmtpReply(250, null, lines));
    }

    private void withHelo(Runnable command) {
        if (helo == null) {
            reply(503, "5.5.1", "Error: send HELO/EHLO first");
        } else {
            command.run();
        }
    }

    private void withTransaction(Runnable command) {
        if (transaction == null || !transaction.hasSender()) {
            reply(503, "5.5.1", "Error: need MAIL command");
        } else {
            command.run();
        }
    }

    private MailTransaction transaction() {
        if (transaction == null) {
            transaction = new MailTransaction(this, context, metrics);
        }
        return transaction;
    }

    private void bdat(String argument) {
        // BDAT is framed even when it is refused: its bytes follow it regardless (RFC 3030).
        transaction().bdat(argument, helo != null);
    }

    void resetTransaction() {
        if (transaction != null) {
            transaction.abort();
            transaction = null;
        }
    }

    // ---- STARTTLS -------------------------------------------------------------------------

    private void startTls(String argument) {
        if (context.tls() == null) {
            reply(502, "5.5.1", "Error: STARTTLS is not offered");
        } else if (tls != null) {
            reply(554, "5.5.1", "Error: TLS already active");
        } else if (!argument.isBlank()) {
            reply(501, "5.5.4", "Syntax: STARTTLS");
        } else {
            // Anything the client sent after STARTTLS came in clear and must not be obeyed
            // inside TLS (CVE-2011-0411): throw it away before the handshake.
            int dropped = framer.discardBuffered();
            if (dropped > 0) {
                metrics.discardedAfterStartTls.increment();
                EventLog.warn(LOG, null, "starttls_pipelining", "session", sessionId, "client", clientText(),
                        "discarded_bytes", dropped);
            }
            SslHandler handler = new SslHandler(context.tls().newEngine(ctx.alloc()), true);
            ctx.pipeline().addFirst("tls", handler);
            ctx.writeAndFlush(wire(SmtpReply.of(220, "2.0.0", "Ready to start TLS")));
            resetTransaction();
            helo = null;
            esmtp = false;
        }
    }

    // ---- AUTH -----------------------------------------------------------------------------

    private void auth(String argument) {
        if (context.authenticator() == null) {
            reply(502, "5.5.1", "Error: authentication is not offered");
            return;
        }
        if (tls == null) {
            reply(538, "5.7.11", "Encryption required for requested authentication mechanism");
            return;
        }
        if (helo == null || !esmtp) {
            reply(503, "5.5.1", "Error: send EHLO first");
            return;
        }
        if (authUser != null) {
            reply(503, "5.5.1", "Error: already authenticated");
            return;
        }
        if (transaction != null && transaction.hasSender()) {
            reply(503, "5.5.1", "Error: AUTH not allowed during a mail transaction");
            return;
        }
        String[] parts = argument.strip().split(" ", 2);
        SaslExchange exchange = SaslExchange.forMechanism(parts[0]);
        if (exchange == null) {
            reply(504, "5.5.4", "Unrecognized authentication mechanism; use one of " + SaslExchange.MECHANISMS);
            return;
        }
        sasl = exchange;
        authStep(exchange.begin(parts.length > 1 ? parts[1] : null));
    }

    private void authStep(SaslExchange.Step step) {
        switch (step) {
            case SaslExchange.Step.Challenge c -> send(new SmtpReply(334, null, java.util.List.of(c.challenge())));
            case SaslExchange.Step.Failed f -> {
                sasl = null;
                send(f.reply());
            }
            case SaslExchange.Step.Credentials credentials -> {
                sasl = null;
                // The password hash is slow on purpose: check it off the event loop.
                awaitThen(CompletableFuture.supplyAsync(
                        () -> context.authenticator().check(credentials.user(), credentials.password()),
                        Thread::startVirtualThread), ok -> authenticated(credentials.user(), Boolean.TRUE.equals(ok)));
            }
        }
    }

    private void authenticated(String user, boolean ok) {
        String shown = user.length() > 64 ? user.substring(0, 64) : user;
        if (ok) {
            authUser = user;
            metrics.authSuccess.increment();
            EventLog.info(LOG, null, "auth", "session", sessionId, "client", clientText(), "user", shown);
            reply(235, "2.7.0", "Authentication successful");
        } else {
            metrics.authFailure.increment();
            EventLog.warn(LOG, null, "auth_failed", "session", sessionId, "client", clientText(), "user", shown);
            reply(535, "5.7.8", "Authentication credentials invalid");
        }
    }

    // ---- shared with MailTransaction ------------------------------------------------------

    /**
     * Pauses input until {@code work} completes, then runs {@code then} on the event loop (with
     * null when the work failed) and resumes.
     */
    <T> void awaitThen(CompletableFuture<T> work, Consumer<T> then) {
        framer.pause();
        clock.waitingOnUs(true);
        work.whenComplete((value, error) -> ctx.executor().execute(() -> {
            clock.waitingOnUs(false);
            if (!ctx.channel().isActive()) {
                return;
            }
            then.accept(error == null ? value : null);
            framer.resume();
        }));
    }

    SmtpFramer framer() {
        return framer;
    }

    SessionClock clock() {
        return clock;
    }

    String sessionId() {
        return sessionId;
    }

    String clientText() {
        return (reverseName == null ? "unknown" : reverseName) + "[" + client.getAddress().getHostAddress() + "]";
    }

    InetSocketAddress clientAddress() {
        return client;
    }

    SessionGate gate() {
        return gate;
    }

    /** Strangers go through the inbound chain; trusted networks and authenticated users the outbound one. */
    Direction direction() {
        return context.relay().isTrusted(client.getAddress(), authUser) ? Direction.OUTBOUND : Direction.INBOUND;
    }

    /** The client as the filters see it. */
    Connection filterConnection() {
        return new Connection(client.getAddress(), client.getPort(), Optional.ofNullable(reverseName),
                Optional.ofNullable(helo), Optional.ofNullable(tls), Optional.ofNullable(authUser),
                direction() == Direction.OUTBOUND);
    }

    /** Logs a refusal that came from the filters or the policy. */
    void refused(String stage, org.portcullis.gateway.chain.Ruling ruling) {
        EventLog.warn(LOG, transaction == null ? null : transaction.queueId(), "reject", "session", sessionId,
                "client", clientText(), "stage", stage, "reply", SessionGate.reply(ruling.verdict()).toString(),
                "decided_by", ruling.decidedBy());
    }

    String authUser() {
        return authUser;
    }

    ClientInfo clientInfo(boolean smtpUtf8) {
        String protocol = (smtpUtf8 ? "UTF8SMTP" : esmtp ? "ESMTP" : "SMTP")
                + (tls != null ? "S" : "") + (authUser != null ? "A" : "");
        return new ClientInfo(client.getAddress().getHostAddress(), reverseName, helo, protocol, tls, authUser);
    }

    void reply(int code, String enhanced, String text) {
        send(SmtpReply.of(code, enhanced, text));
    }

    /** Writes a reply (flushed when the input runs dry); too many errors end the session. */
    void send(SmtpReply reply) {
        if (closing) {
            return;
        }
        ctx.write(wire(reply));
        if (reply.code() >= 400 && ++errors >= context.config().maxErrors()) {
            metrics.limit(SmtpMetrics.Limit.ERRORS);
            EventLog.warn(LOG, null, "too_many_errors", "session", sessionId, "client", clientText(), "errors", errors);
            close(SmtpReply.of(421, "4.7.0", context.hostname() + " Error: too many errors, closing"));
        }
    }

    /** Says a last reply and hangs up; everything the client sends meanwhile is ignored. */
    void close(SmtpReply last) {
        if (closing) {
            return;
        }
        closing = true;
        resetTransaction();
        ctx.writeAndFlush(wire(last)).addListener(ChannelFutureListener.CLOSE);
    }

    private void timedOut(SmtpMetrics.Limit which) {
        metrics.limit(which);
        EventLog.warn(LOG, transaction == null ? null : transaction.queueId(), "timeout", "session", sessionId,
                "client", clientText(), "stage", which.name().toLowerCase(Locale.ROOT));
        close(SmtpReply.of(421, "4.4.2", context.hostname() + " Error: timeout exceeded, closing"));
    }

    private io.netty.buffer.ByteBuf wire(SmtpReply reply) {
        metrics.reply(reply.code());
        return ByteBufUtil.writeUtf8(ctx.alloc(), reply.wire());
    }
}
