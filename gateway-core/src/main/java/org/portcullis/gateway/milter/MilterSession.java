package org.portcullis.gateway.milter;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.portcullis.gateway.milter.MilterResponse.Decision;
import org.portcullis.gateway.milter.MilterResponse.Modification;
import org.portcullis.gateway.milter.MilterResponse.Negotiated;
import org.portcullis.gateway.milter.MilterResponse.Progress;
import org.portcullis.gateway.milter.MilterResponse.Skip;
import org.portcullis.gateway.milter.MilterUnavailableException.Reason;

/**
 * One connection to one milter, after negotiation: sends a step with its macros, honours the
 * milter's NO* and NR* bits, waits for the reply under the step's timeout (restarted by each
 * {@code p}), and checks that what comes back is allowed there. Any failure closes the
 * connection for good and surfaces as {@link MilterUnavailableException}.
 */
final class MilterSession implements AutoCloseable {

    /** Opens a transport; {@link SocketTransport#connect} outside tests. */
    @FunctionalInterface
    interface Opener {
        MilterTransport open(MilterAddress address, Duration timeout) throws IOException, MilterTransport.TimeoutException;
    }

    /**
     * The milter's answer to one step.
     *
     * @param modifications what it asked to change (only after end of message), in arrival order
     * @param decision      its decision; {@link MilterResponse.Continue} for a step it skipped or does not answer
     * @param answered      whether the milter was asked and answered
     */
    record Reply(List<Modification> modifications, Decision decision, boolean answered) {
        static final Reply NOT_ASKED = new Reply(List.of(), new MilterResponse.Continue(), false);

        Reply {
            modifications = List.copyOf(modifications);
        }
    }

    private final MilterSettings settings;
    private final MilterMetrics metrics;
    private final MilterTransport transport;
    private final Agreement agreement;
    private volatile boolean failed;

    private MilterSession(MilterSettings settings, MilterMetrics metrics, MilterTransport transport, Agreement agreement) {
        this.settings = settings;
        this.metrics = metrics;
        this.transport = transport;
        this.agreement = agreement;
    }

    /** Connects and negotiates, both within {@code timeouts.connect}. */
    static MilterSession open(MilterSettings settings, MilterMetrics metrics, Opener opener) {
        String name = settings.name();
        long start = System.nanoTime();
        MilterTransport transport;
        try {
            transport = opener.open(settings.address(), settings.connectTimeout());
        } catch (MilterTransport.TimeoutException e) {
            metrics.connection("timeout");
            metrics.timeout("connect", "connect");
            metrics.failure("connect", Reason.UNREACHABLE);
            throw new MilterUnavailableException(name, Reason.UNREACHABLE,
                    "no connection to " + settings.address().text() + " within " + settings.connectTimeout(), e);
        } catch (IOException e) {
            metrics.connection("refused");
            metrics.failure("connect", Reason.UNREACHABLE);
            throw new MilterUnavailableException(name, Reason.UNREACHABLE,
                    "cannot connect to " + settings.address().text() + ": " + e.getMessage(), e);
        }
        MilterCommand.Negotiate offer = Agreement.offer();
        try {
            transport.send(offer.packet(), settings.connectTimeout());
            metrics.command("negotiate");
            Duration left = settings.connectTimeout().minusNanos(System.nanoTime() - start);
            MilterResponse reply = ResponseDecoder.decode(transport.receive(left.isNegative() ? Duration.ofMillis(1) : left));
            if (!(reply instanceof Negotiated negotiated)) {
                throw new MilterProtocolException("expected 'O' in answer to 'O', got " + reply);
            }
            Agreement agreement = Agreement.of(negotiated, offer);
            transport.maxDataSize(agreement.maxDataSize());
            metrics.connection("opened");
            metrics.stageTime(Step.NEGOTIATE, Duration.ofNanos(System.nanoTime() - start));
            return new MilterSession(settings, metrics, transport, agreement);
        } catch (MilterTransport.TimeoutException e) {
            transport.close();
            metrics.connection("timeout");
            metrics.timeout("negotiate", "connect");
            metrics.failure("negotiate", Reason.TIMEOUT);
            throw new MilterUnavailableException(name, Reason.TIMEOUT,
                    "no answer to option negotiation within " + settings.connectTimeout(), e);
        } catch (IOException e) {
            transport.close();
            metrics.connection("lost");
            metrics.failure("negotiate", Reason.CONNECTION_LOST);
            throw new MilterUnavailableException(name, Reason.CONNECTION_LOST,
                    "connection lost during option negotiation: " + e.getMessage(), e);
        } catch (MilterProtocolException e) {
            transport.close();
            metrics.connection("rejected");
            metrics.protocolError("negotiate");
            metrics.failure("negotiate", Reason.PROTOCOL_ERROR);
            throw new MilterUnavailableException(name, Reason.PROTOCOL_ERROR, e.getMessage(), e);
        }
    }

    Agreement agreement() {
        return agreement;
    }

    /**
     * Runs one step: its macros ({@code D}), its command, and (unless the milter said it will not
     * answer) the reply.
     *
     * @param macros the values for the macro names asked for (the milter's symbol list for the
     *               stage if it sent one, else the configured {@code macros.<stage>})
     */
    Reply step(Step step, Function<List<String>, Map<String, String>> macros, MilterCommand command) {
        requireUsable();
        if (!agreement.sends(step)) {
            return Reply.NOT_ASKED;
        }
        long start = System.nanoTime();
        Duration timeout = settings.timeout(step);
        MilterPacket packet = command.packet();
        try {
            if (step.macroStage() >= 0) {
                List<String> names = agreement.symbolList(step).orElse(settings.macros(step));
                Map<String, String> values = macros.apply(names);
                if (!values.isEmpty()) {
                    transport.queue(new MilterCommand.Macros(packet.code(), values).packet(), timeout);
                    metrics.command("macros");
                }
            }
            if (!agreement.awaitsReply(step)) {
                // No answer is due: it goes out with the next command that gets one.
                transport.queue(packet, timeout);
                metrics.command(step.label());
                return Reply.NOT_ASKED;
            }
            if (transport.hasUnread()) {
                throw new MilterProtocolException("milter sent a reply where none was due (before " + step.label() + ")");
            }
            transport.send(packet, timeout);
            metrics.command(step.label());
            Reply reply = awaitReply(step, timeout);
            metrics.stageTime(step, Duration.ofNanos(System.nanoTime() - start));
            metrics.decision(step, reply.decision());
            return reply;
        } catch (MilterTransport.TimeoutException e) {
            metrics.timeout(step.label(), step.waitKind().name().toLowerCase(java.util.Locale.ROOT));
            throw fail(step, Reason.TIMEOUT, "no answer to " + step.label() + " within " + timeout, e);
        } catch (IOException e) {
            throw fail(step, Reason.CONNECTION_LOST, "connection lost at " + step.label() + ": " + e.getMessage(), e);
        } catch (MilterProtocolException e) {
            metrics.protocolError(step.label());
            throw fail(step, Reason.PROTOCOL_ERROR, e.getMessage() + " (at " + step.label() + ")", e);
        }
    }

    /** {@code A}: the milter forgets the message and keeps the connection. No reply. */
    void abort() {
        sendWithoutReply(new MilterCommand.Abort(), "abort");
    }

    /** {@code Q} (when the connection is still good), then close. */
    @Override
    public void close() {
        if (!failed) {
            failed = true;
            try {
                transport.send(new MilterCommand.Quit().packet(), settings.commandTimeout());
                metrics.command("quit");
            } catch (IOException | MilterTransport.TimeoutException e) {
                // The session is over either way; the milter notices the closed socket.
            }
        }
        transport.close();
    }

    boolean usable() {
        return !failed;
    }

    /** Closes at once, without {@code Q}: for a session torn down while a step is still waiting. */
    void closeNow() {
        failed = true;
        transport.close();
    }

    /** Ends the connection because of something wrong found in a reply after it was read. */
    MilterUnavailableException protocolError(Step step, MilterProtocolException e) {
        metrics.protocolError(step.label());
        return fail(step, Reason.PROTOCOL_ERROR, e.getMessage() + " (at " + step.label() + ")", e);
    }

    private Reply awaitReply(Step step, Duration timeout)
            throws IOException, MilterTransport.TimeoutException, MilterProtocolException {
        List<Modification> modifications = new ArrayList<>();
        long replaced = 0;
        while (true) {
            MilterResponse response = ResponseDecoder.decode(transport.receive(timeout));
            switch (response) {
                case Progress p -> {
                    // Still working: the next receive starts a fresh timeout.
                }
                case Modification m -> {
                    if (step != Step.END_OF_MESSAGE) {
                        throw new MilterProtocolException("modification '" + m.label() + "' outside end of message");
                    }
                    if (!agreement.allows(m.action())) {
                        throw new MilterProtocolException("modification '" + m.label() + "' without the action negotiated for it");
                    }
                    if (m instanceof MilterResponse.ReplaceBody b) {
                        replaced += b.length();
                        if (replaced > settings.maxReplacedBody()) {
                            throw new MilterProtocolException("replacement body over limits.replaced-body ("
                                    + settings.maxReplacedBody() + " bytes)");
                        }
                    }
                    metrics.modification(m);
                    modifications.add(m);
                }
                case Skip s when step != Step.BODY || !agreement.skipAllowed() ->
                        throw new MilterProtocolException("'s' (skip) is only an answer to a body chunk, after SKIP was agreed");
                case Decision d -> {
                    return new Reply(modifications, d, true);
                }
                case Negotiated n -> throw new MilterProtocolException("'O' outside option negotiation");
            }
        }
    }

    private void sendWithoutReply(MilterCommand command, String label) {
        requireUsable();
        try {
            transport.send(command.packet(), settings.commandTimeout());
            metrics.command(label);
        } catch (MilterTransport.TimeoutException e) {
            metrics.timeout(label, "command");
            throw fail(null, Reason.TIMEOUT, "could not send " + label + " within " + settings.commandTimeout(), e);
        } catch (IOException e) {
            throw fail(null, Reason.CONNECTION_LOST, "connection lost at " + label + ": " + e.getMessage(), e);
        }
    }

    private void requireUsable() {
        if (failed) {
            throw new MilterUnavailableException(settings.name(), Reason.FAILED_EARLIER,
                    "the connection failed earlier in this session");
        }
    }

    private MilterUnavailableException fail(Step step, Reason reason, String message, Exception cause) {
        failed = true;
        transport.close();
        metrics.failure(step == null ? "other" : step.label(), reason);
        return new MilterUnavailableException(settings.name(), reason, message, cause);
    }
}
