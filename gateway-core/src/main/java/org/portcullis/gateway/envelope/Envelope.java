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
 * @param route      the name of the route the policy sent the message on, instead of the one its
 *                   recipients' domains choose; null for the usual routing
 */
public record Envelope(QueueId queueId, MailAddress sender, List<Recipient> recipients,
                       MailParameters parameters, ClientInfo client, Instant arrival, String route) {

    public Envelope {
        Objects.requireNonNull(queueId, "queueId");
        Objects.requireNonNull(sender, "sender");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(arrival, "arrival");
    }

    /** An envelope with the usual routing. */
    public Envelope(QueueId queueId, MailAddress sender, List<Recipient> recipients, MailParameters parameters,
                    ClientInfo client, Instant arrival) {
        this(queueId, sender, recipients, parameters, client, arrival, null);
    }

    public Envelope withRecipients(List<Recipient> newRecipients) {
        return new Envelope(queueId, sender, newRecipients, parameters, client, arrival, route);
    }

    public Envelope withSender(MailAddress newSender) {
        return new Envelope(queueId, newSender, recipients, parameters, client, arrival, route);
    }

    public Envelope withRoute(String newRoute) {
        return new Envelope(queueId, sender, recipients, parameters, client, arrival, newRoute);
    }
}
