package org.portcullis.gateway.chain;

import java.util.Optional;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.Stage;

/**
 * Turns what the filters said at a stage into what the gateway does: the site's policy. Fast
 * and in memory; the session calls it on its event loop.
 */
public interface Judge {

    /**
     * @param envelope  null before MAIL FROM
     * @param recipient the recipient being given, at RCPT TO
     * @param message   the message, at HEADERS and END_OF_MESSAGE
     */
    Ruling judge(Stage stage, Connection connection, Envelope envelope, Optional<Recipient> recipient,
                 Optional<MessageView> message, StageOutcome outcome);

    /** Whether this judge ever looks at a message's headers or content when no filter reported anything. */
    boolean needsMessage();

    /**
     * Whether this judge can be swayed by the {@code mime.*} findings the gateway makes when it
     * parses a message. When not, a message no filter parses is never parsed for the judge.
     */
    boolean readsParseFindings();

    /** The judge without a policy: the strictest verdict the filters proposed stands. */
    static Judge proposals() {
        return new Judge() {
            @Override
            public Ruling judge(Stage stage, Connection connection, Envelope envelope, Optional<Recipient> recipient,
                                Optional<MessageView> message, StageOutcome outcome) {
                return Ruling.of(outcome);
            }

            @Override
            public boolean needsMessage() {
                return false;
            }

            @Override
            public boolean readsParseFindings() {
                return false;
            }
        };
    }
}
