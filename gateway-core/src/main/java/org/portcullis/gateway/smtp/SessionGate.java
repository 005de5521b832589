package org.portcullis.gateway.smtp;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.Stage;
import org.portcullis.filter.Verdict;
import org.portcullis.gateway.chain.Gate;
import org.portcullis.gateway.chain.Ruling;
import org.portcullis.gateway.chain.SessionFilters;
import org.portcullis.gateway.chain.StageOutcome;

/**
 * One session's way through the filter chain and the policy: runs a stage, rules on it, and
 * hands the ruling to the session on its event loop. With no filters for the direction the
 * ruling is made at once, without a thread hop; otherwise the session pauses while they run.
 */
final class SessionGate implements AutoCloseable {

    private final SmtpSession session;
    private final Gate gate;
    private final SessionFilters filters;

    SessionGate(SmtpSession session, Gate gate) {
        this.session = session;
        this.gate = gate;
        this.filters = gate.chain().openSession();
    }

    /** Whether the end of a message needs it parsed: filters to run, or a policy that reads messages. */
    boolean needsMessage(Direction direction) {
        return !filters.isEmpty(direction) || gate.judge().needsMessage();
    }

    SessionFilters filters() {
        return filters;
    }

    Gate gate() {
        return gate;
    }

    /**
     * @param call the stage, on the session's filters
     * @param then what the session does with the ruling, on its event loop
     */
    void run(Stage stage, Direction direction, Connection connection, Envelope envelope,
             Optional<Recipient> recipient, Optional<MessageView> message,
             Function<SessionFilters, CompletableFuture<StageOutcome>> call, Consumer<Ruling> then) {
        if (filters.isEmpty(direction)) {
            then.accept(gate.judge().judge(stage, connection, envelope, recipient, message,
                    new StageOutcome(stage, java.util.List.of())));
            return;
        }
        CompletableFuture<Ruling> ruled = call.apply(filters).thenApply(outcome ->
                gate.judge().judge(stage, connection, envelope, recipient, message, outcome));
        session.awaitThen(ruled, ruling -> then.accept(ruling != null ? ruling : unavailable()));
    }

    /** What a chain that broke in an unforeseen way gets: a 4xx, never a silent pass. */
    static Ruling unavailable() {
        return Ruling.unavailable();
    }

    /** The reply for a refusing verdict. */
    static SmtpReply reply(Verdict verdict) {
        return switch (verdict) {
            case Verdict.Reject r -> SmtpReply.of(r.code(), r.enhancedCode(), r.text());
            case Verdict.Tempfail t -> SmtpReply.of(t.code(), t.enhancedCode(), t.text());
            default -> throw new IllegalArgumentException("not a refusal: " + verdict);
        };
    }

    @Override
    public void close() {
        filters.close();
    }
}
