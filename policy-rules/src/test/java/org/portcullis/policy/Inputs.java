package org.portcullis.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.filter.Address;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Header;
import org.portcullis.filter.Headers;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.Stage;
import org.portcullis.filter.Verdict;

/** Builds policy inputs for tests: an inbound message at END_OF_MESSAGE unless told otherwise. */
final class Inputs {

    private Stage stage = Stage.END_OF_MESSAGE;
    private String ip = "192.0.2.7";
    private Optional<String> reverse = Optional.of("mail.example.org");
    private Optional<String> helo = Optional.of("mail.example.org");
    private Optional<String> tls = Optional.empty();
    private Optional<String> user = Optional.empty();
    private boolean trusted;
    private String queueId = "4F3A2B1C";
    private Address sender = Address.parse("alice@example.org");
    private Map<String, String> senderParameters = Map.of();
    private final List<Recipient> recipients = new ArrayList<>(List.of(
            new Recipient(Address.parse("bob@example.com"), Map.of(), Direction.INBOUND)));
    private Recipient current;
    private final List<Header> headers = new ArrayList<>(List.of(new Header("Subject", "Hello", "Hello")));
    private long size = 2048;
    private final List<Report> reports = new ArrayList<>();

    static Inputs message() {
        return new Inputs();
    }

    Inputs at(Stage s) {
        stage = s;
        return this;
    }

    Inputs client(String address) {
        ip = address;
        return this;
    }

    Inputs reverseName(String name) {
        reverse = Optional.ofNullable(name);
        return this;
    }

    Inputs helo(String name) {
        helo = Optional.ofNullable(name);
        return this;
    }

    Inputs tls() {
        tls = Optional.of("TLSv1.3 with cipher TLS_AES_128_GCM_SHA256");
        return this;
    }

    Inputs user(String name) {
        user = Optional.of(name);
        trusted = true;
        return this;
    }

    Inputs trusted() {
        trusted = true;
        return this;
    }

    Inputs queueId(String id) {
        queueId = id;
        return this;
    }

    Inputs from(String address) {
        sender = Address.parse(address);
        return this;
    }

    Inputs declaredSize(long bytes) {
        senderParameters = Map.of("SIZE", Long.toString(bytes));
        return this;
    }

    /** Replaces the recipients; all inbound. */
    Inputs to(String... addresses) {
        recipients.clear();
        for (String a : addresses) {
            recipients.add(new Recipient(Address.parse(a), Map.of(), Direction.INBOUND));
        }
        return this;
    }

    /** Makes the mail outbound: from a trusted client to an outside recipient. */
    Inputs outbound(String to) {
        trusted = true;
        recipients.clear();
        recipients.add(new Recipient(Address.parse(to), Map.of(), Direction.OUTBOUND));
        return this;
    }

    /** At RCPT_TO: the recipient being given now. */
    Inputs giving(String address, Direction direction) {
        current = new Recipient(Address.parse(address), Map.of(), direction);
        return this;
    }

    Inputs header(String name, String value) {
        headers.add(new Header(name, value, value));
        return this;
    }

    Inputs size(long bytes) {
        size = bytes;
        return this;
    }

    Inputs report(String filter, Finding... findings) {
        reports.add(Report.of(filter, findings));
        return this;
    }

    Inputs proposal(String filter, Verdict verdict, Finding... findings) {
        reports.add(Report.of(filter, findings).proposing(verdict));
        return this;
    }

    Inputs virus(String signature) {
        return report("antivirus", new Finding.Virus(signature, "2"));
    }

    Inputs spam(double score) {
        return report("antispam", new Finding.Score("spam.score", score, List.of("BAYES_99")));
    }

    Inputs attachment(String part, String filename, String declared, String detected) {
        return report("attachment", new Finding.ContentType(part, filename, declared, detected));
    }

    PolicyInput build() {
        Connection connection = new Connection(address(ip), 40000, reverse,
                stage == Stage.CONNECT ? Optional.empty() : helo, tls, user, trusted);
        if (stage.compareTo(Stage.MAIL_FROM) < 0) {
            return new PolicyInput(stage, connection, null, Optional.empty(), Optional.empty(), -1, reports);
        }
        List<Recipient> accepted = stage.compareTo(Stage.RCPT_TO) <= 0 ? List.of() : recipients;
        Envelope envelope = new Envelope(queueId, connection, sender, senderParameters, accepted);
        return switch (stage) {
            case MAIL_FROM -> PolicyInput.atMailFrom(envelope, reports);
            case RCPT_TO -> PolicyInput.atRcptTo(envelope, current != null ? current : recipients.getFirst(), reports);
            case HEADERS -> PolicyInput.atHeaders(envelope, Headers.of(headers), reports);
            case END_OF_MESSAGE -> PolicyInput.atEndOfMessage(envelope, Headers.of(headers), size, reports);
            default -> throw new IllegalStateException(stage.name());
        };
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
