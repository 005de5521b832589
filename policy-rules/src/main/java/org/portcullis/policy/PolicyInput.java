package org.portcullis.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Headers;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.Stage;

/**
 * Everything the policy is asked about at one stage of the SMTP dialogue.
 *
 * @param stage      the stage being decided
 * @param connection the client
 * @param envelope   the transaction so far; {@code null} at CONNECT and HELO, required from MAIL_FROM on
 * @param recipient  the recipient being given, at RCPT_TO
 * @param headers    the message's header section, from HEADERS on
 * @param size       the message's size in bytes at END_OF_MESSAGE, -1 before
 * @param reports    what each filter of the chain found and proposed, in chain order
 */
public record PolicyInput(Stage stage, Connection connection, Envelope envelope, Optional<Recipient> recipient,
                          Optional<Headers> headers, long size, List<Report> reports) {

    public PolicyInput {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(connection, "connection");
        if (envelope == null && stage.compareTo(Stage.MAIL_FROM) >= 0) {
            throw new IllegalArgumentException("an envelope is required from MAIL_FROM on, not at " + stage);
        }
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(headers, "headers");
        reports = List.copyOf(reports);
    }

    public static PolicyInput atConnect(Connection connection, List<Report> reports) {
        return new PolicyInput(Stage.CONNECT, connection, null, Optional.empty(), Optional.empty(), -1, reports);
    }

    public static PolicyInput atHelo(Connection connection, List<Report> reports) {
        return new PolicyInput(Stage.HELO, connection, null, Optional.empty(), Optional.empty(), -1, reports);
    }

    public static PolicyInput atMailFrom(Envelope envelope, List<Report> reports) {
        return new PolicyInput(Stage.MAIL_FROM, envelope.connection(), envelope, Optional.empty(), Optional.empty(),
                -1, reports);
    }

    public static PolicyInput atRcptTo(Envelope envelope, Recipient recipient, List<Report> reports) {
        return new PolicyInput(Stage.RCPT_TO, envelope.connection(), envelope, Optional.of(recipient),
                Optional.empty(), -1, reports);
    }

    public static PolicyInput atHeaders(Envelope envelope, Headers headers, List<Report> reports) {
        return new PolicyInput(Stage.HEADERS, envelope.connection(), envelope, Optional.empty(), Optional.of(headers),
                -1, reports);
    }

    public static PolicyInput atEndOfMessage(Envelope envelope, Headers headers, long size, List<Report> reports) {
        return new PolicyInput(Stage.END_OF_MESSAGE, envelope.connection(), envelope, Optional.empty(),
                Optional.of(headers), size, reports);
    }

    public Optional<Envelope> envelopeIfAny() {
        return Optional.ofNullable(envelope);
    }

    /** Every finding of every report, in chain order. */
    public Stream<Finding> findings() {
        return reports.stream().flatMap(r -> r.findings().stream());
    }

    /** The findings of one name ({@link Finding#name()}), in chain order. */
    public Stream<Finding> findings(String name) {
        return findings().filter(f -> f.name().equals(name));
    }

    /**
     * The recipients a rule looks at: at RCPT_TO the one being given, later every recipient of
     * the envelope, before RCPT_TO none.
     */
    public List<Recipient> recipientsInScope() {
        if (stage == Stage.RCPT_TO) {
            return recipient.map(List::of).orElseGet(List::of);
        }
        return stage.compareTo(Stage.RCPT_TO) > 0 ? envelope.recipients() : List.of();
    }

    /**
     * The direction of the mail, once there is a recipient to tell it by: at RCPT_TO that
     * recipient's, later the envelope's.
     */
    public Optional<Direction> direction() {
        if (stage == Stage.RCPT_TO) {
            return recipient.map(Recipient::direction);
        }
        return stage.compareTo(Stage.RCPT_TO) > 0 ? Optional.of(envelope.direction()) : Optional.empty();
    }

    /**
     * The size to judge: the real size at END_OF_MESSAGE, before that the client's SIZE=
     * declaration if it gave one.
     */
    public Optional<Long> judgedSize() {
        if (size >= 0) {
            return Optional.of(size);
        }
        return envelopeIfAny().flatMap(Envelope::declaredSize);
    }
}
