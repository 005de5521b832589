package org.portcullis.filter.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Headers;
import org.portcullis.filter.MailFilter;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.Stage;
import org.portcullis.filter.StageResult;
import org.portcullis.filter.Verdict;

/**
 * Runs a chain through the stages of one SMTP transaction as the gateway does: every filter in
 * chain order at each stage; a reject, tempfail or discard ends the transaction there (at RCPT
 * a reject or tempfail refuses that recipient only, and the transaction ends when none is left);
 * an accept ends the stage for later filters; a quarantine is noted and the run goes on.
 */
final class ChainRun {

    /** How a stage ended for the transaction. */
    private enum Flow { GO_ON, STOP }

    private final List<MailFilter> chain;
    private final List<StageOutcome> outcomes = new ArrayList<>();
    private final List<Recipient> accepted = new ArrayList<>();
    private final List<Recipient> refused = new ArrayList<>();
    private Optional<Verdict> stoppedBy = Optional.empty();
    private Optional<Stage> stoppedAt = Optional.empty();

    ChainRun(List<MailFilter> chain) {
        this.chain = chain;
    }

    /**
     * @param message the message as the filters see it at the end of data, given the envelope of
     *                the recipients accepted
     */
    void run(Envelope envelope, Headers headers, Function<Envelope, MessageView> message) {
        Envelope noRecipients = with(envelope, List.of());
        if (stage(Stage.CONNECT, null, f -> f.onConnect(beforeHelo(envelope.connection()))) == Flow.STOP
                || stage(Stage.HELO, null, f -> f.onHelo(envelope.connection())) == Flow.STOP
                || stage(Stage.MAIL_FROM, null, f -> f.onMailFrom(noRecipients)) == Flow.STOP) {
            return;
        }
        for (Recipient recipient : envelope.recipients()) {
            Envelope sofar = with(envelope, List.copyOf(accepted));
            if (stage(Stage.RCPT_TO, recipient, f -> f.onRcptTo(sofar, recipient)) == Flow.STOP) {
                return;
            }
        }
        if (accepted.isEmpty()) {
            stoppedAt = Optional.of(Stage.RCPT_TO);
            return;
        }
        Envelope data = with(envelope, List.copyOf(accepted));
        if (stage(Stage.HEADERS, null, f -> f.onHeaders(data, headers)) == Flow.STOP) {
            return;
        }
        MessageView view = message.apply(data);
        stage(Stage.END_OF_MESSAGE, null, f -> f.onEndOfMessage(view));
    }

    private Flow stage(Stage stage, Recipient recipient, Function<MailFilter, StageResult> call) {
        for (int i = 0; i < chain.size(); i++) {
            MailFilter filter = chain.get(i);
            StageResult result = call.apply(filter);
            if (result == null) {
                throw new AssertionError(filter.getClass().getName() + " returned null at " + stage
                        + "; return StageResult.proceed() instead");
            }
            outcomes.add(new StageOutcome(stage, i, filter.getClass().getName(), Optional.ofNullable(recipient), result));
            Verdict verdict = result.verdict().orElse(new Verdict.Continue());
            switch (verdict) {
                case Verdict.Reject r -> {
                    return refuse(stage, recipient, r);
                }
                case Verdict.Tempfail t -> {
                    return refuse(stage, recipient, t);
                }
                case Verdict.Discard d -> {
                    return stop(stage, d);
                }
                case Verdict.Accept a -> {
                    return accept(recipient);
                }
                case Verdict.Quarantine q -> {
                }
                case Verdict.Continue c -> {
                }
            }
        }
        return accept(recipient);
    }

    private Flow accept(Recipient recipient) {
        if (recipient != null) {
            accepted.add(recipient);
        }
        return Flow.GO_ON;
    }

    private Flow refuse(Stage stage, Recipient recipient, Verdict verdict) {
        if (recipient != null) {
            refused.add(recipient);
            if (accepted.isEmpty()) {
                stoppedBy = Optional.of(verdict);
            }
            return Flow.GO_ON;
        }
        return stop(stage, verdict);
    }

    private Flow stop(Stage stage, Verdict verdict) {
        stoppedBy = Optional.of(verdict);
        stoppedAt = Optional.of(stage);
        return Flow.STOP;
    }

    List<StageOutcome> outcomes() {
        return List.copyOf(outcomes);
    }

    List<Recipient> accepted() {
        return List.copyOf(accepted);
    }

    List<Recipient> refused() {
        return List.copyOf(refused);
    }

    Optional<Verdict> stoppedBy() {
        return stoppedAt.isPresent() ? stoppedBy : Optional.empty();
    }

    Optional<Stage> stoppedAt() {
        return stoppedAt;
    }

    private static Connection beforeHelo(Connection c) {
        return new Connection(c.address(), c.port(), c.reverseName(), Optional.empty(), c.tls(), c.authUser(), c.trusted());
    }

    private static Envelope with(Envelope envelope, List<Recipient> recipients) {
        return new Envelope(envelope.queueId(), envelope.connection(), envelope.sender(), envelope.senderParameters(),
                recipients);
    }
}
