package org.portcullis.filter;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The envelope of one mail transaction as far as it has gone.
 *
 * @param queueId          the gateway's queue id for the message (in every log line about it)
 * @param connection       who is sending
 * @param sender           the MAIL FROM address; {@link Address#NULL} for bounces
 * @param senderParameters the MAIL FROM parameters (e.g. {@code SIZE}, {@code BODY}), keywords upper case
 * @param recipients       the recipients accepted so far, in order
 */
public record Envelope(String queueId, Connection connection, Address sender, Map<String, String> senderParameters,
                       List<Recipient> recipients) {

    public Envelope {
        Objects.requireNonNull(queueId, "queueId");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(sender, "sender");
        senderParameters = Map.copyOf(senderParameters);
        recipients = List.copyOf(recipients);
    }

    /**
     * The message's direction: outbound when it comes from the organisation's own side and goes
     * to at least one outside domain, inbound otherwise.
     */
    public Direction direction() {
        return recipients.stream().anyMatch(r -> r.direction() == Direction.OUTBOUND)
                ? Direction.OUTBOUND : Direction.INBOUND;
    }

    /** The declared size (SIZE=), if the client gave one. */
    public Optional<Long> declaredSize() {
        String size = senderParameters.get("SIZE");
        try {
            return size == null ? Optional.empty() : Optional.of(Long.parseLong(size));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
