package org.portcullis.filter.testkit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.filter.Address;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Recipient;

/**
 * A small builder of test envelopes:
 * {@code Envelopes.from("a@b.example").to("c@d.example").client("192.0.2.1").build()}.
 * Unless told otherwise the client is 192.0.2.1 (a documentation address), says
 * {@code EHLO client.example}, is not trusted, and every recipient is inbound.
 */
public final class Envelopes {

    private String queueId = "TEST0001";
    private final Address sender;
    private final List<String> recipients = new ArrayList<>();
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private String client = "192.0.2.1";
    private String helo = "client.example";
    private boolean outbound;

    private Envelopes(Address sender) {
        this.sender = sender;
    }

    public static Envelopes from(String sender) {
        return new Envelopes(Address.parse(sender));
    }

    /** {@code alice@example.org} to {@code bob@example.com}, inbound: the envelope {@link FilterHarness#run(org.portcullis.filter.MailFilter, java.nio.file.Path)} uses. */
    public static Envelope standard() {
        return from("alice@example.org").to("bob@example.com").build();
    }

    public Envelopes to(String... addresses) {
        recipients.addAll(List.of(addresses));
        return this;
    }

    /** The client's IP address, as a literal (no DNS lookup). */
    public Envelopes client(String address) {
        this.client = address;
        return this;
    }

    public Envelopes helo(String name) {
        this.helo = name;
        return this;
    }

    public Envelopes queueId(String id) {
        this.queueId = id;
        return this;
    }

    /** A MAIL FROM parameter, e.g. {@code parameter("SIZE", "1024")}. */
    public Envelopes parameter(String keyword, String value) {
        parameters.put(keyword.toUpperCase(java.util.Locale.ROOT), value);
        return this;
    }

    /** The organisation's own, trusted client sending out: every recipient outbound. */
    public Envelopes outbound() {
        this.outbound = true;
        return this;
    }

    public Envelope build() {
        if (recipients.isEmpty()) {
            throw new IllegalStateException("an envelope needs at least one recipient: add .to(...)");
        }
        if (client.isEmpty() || !Character.isDigit(client.charAt(0)) && !client.contains(":")) {
            throw new IllegalArgumentException("give the client as an IP address literal, not a name: " + client);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(client);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + client, e);
        }
        Connection connection = new Connection(address, 25000, Optional.empty(), Optional.of(helo), Optional.empty(),
                Optional.empty(), outbound);
        Direction direction = outbound ? Direction.OUTBOUND : Direction.INBOUND;
        List<Recipient> rcpts = recipients.stream()
                .map(r -> new Recipient(Address.parse(r), Map.of(), direction)).toList();
        return new Envelope(queueId, connection, sender, parameters, rcpts);
    }
}
