package org.portcullis.gateway.delivery;

import java.util.List;
import java.util.Objects;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.Recipient;

/**
 * One delivery attempt: the envelope, the recipients still to deliver (a subset of the
 * envelope's), and where the message's bytes are.
 */
public record DeliveryRequest(Envelope envelope, List<Recipient> recipients, MessageContent content) {

    public DeliveryRequest {
        Objects.requireNonNull(envelope, "envelope");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(content, "content");
    }
}
