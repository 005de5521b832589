package org.portcullis.gateway.envelope;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the SMTP dialogue said about one message apart from its content.
 *
 * @param queueId    the message's queue id, assigned when MAIL FROM was accepted
 * @param sender     the reverse-path; {@link MailAddress#NULL_SENDER} for bounces
 * @param recipients the accepted forward-paths, in the order given
 * @param parameters the ESMTP parameters of MAIL FROM to carry on
 * @param client     who handed the message to us
 * @param arrival    when the message was accepted; the queue lifetime counts from here
 */
public record Envelope(QueueId queueId, MailAddress sender, List<Recipient> recipients,
                       MailParameters parameters, ClientInfo client, Instant arrival) {

    public Envelope {
        Objects.requireNonNull(queueId, "queueId");
        Objects.requireNonNull(sender, "sender");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(arrival, "arrival");
    }

    public Envelope withRecipients(List<Recipient> newRecipients) {
        return new Envelope(queueId, sender, newRecipients, parameters, client, arrival);
    }
}
