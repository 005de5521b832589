package org.portcullis.gateway.milter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Verdict;
import org.portcullis.gateway.chain.Gate;
import org.portcullis.gateway.chain.MessageStages;
import org.portcullis.gateway.chain.Ruling;
import org.portcullis.gateway.chain.SessionFilters;
import org.portcullis.message.MessageLimits;
import org.portcullis.message.ParsedMessage;

/**
 * The end of a message in the milter server, as {@code smtp/EndOfData} is for the SMTP
 * listener: the message rebuilt from the MTA's packets is parsed once, the headers and
 * end-of-message stages run and are judged ({@link MessageStages}, the same code), and the
 * ruling becomes the milter answer. Nothing is spooled: the MTA keeps the message.
 */
final class ServerEndOfMessage {

    /** The ruling on a message and its milter answer. */
    record Judged(Ruling ruling, RulingReply reply) {
    }

    private ServerEndOfMessage() {
    }

    /**
     * Runs on its own thread while the session tells the MTA it is still working.
     *
     * @param early a discard or quarantine said at MAIL or RCPT, or null
     * @throws UncheckedIOException when the message cannot be read or rewritten
     */
    static Judged judge(Gate gate, SessionFilters filters, Direction direction, Envelope view, ReceivedMessage received,
                        RulingReply.Transaction envelope, Verdict early, Agreement agreement, Path tempDir) {
        try (ParsedMessage message = ParsedMessage.parse(view, received.file(), 0, received.length(),
                MessageLimits.DEFAULTS, tempDir)) {
            Ruling ruling = MessageStages.judge(gate, filters, direction, view, message);
            Verdict verdict = MessageStages.strictest(early, ruling.verdict());
            return new Judged(ruling, RulingReply.of(verdict, ruling.mutations(), message, envelope, agreement, tempDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Without filters or a policy that reads messages, only what was said at MAIL or RCPT counts (as the SMTP listener does). */
    static RulingReply early(Verdict early) {
        return switch (early) {
            case Verdict.Discard d -> new RulingReply(List.of(), new MilterResponse.Discard(), "discarded");
            case Verdict.Quarantine q -> new RulingReply(List.of(new MilterResponse.Quarantine(q.reason())),
                    new MilterResponse.Continue(), "quarantined");
            case null, default -> new RulingReply(List.of(), new MilterResponse.Continue(), "accepted");
        };
    }
}
