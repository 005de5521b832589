package org.portcullis.gateway.delivery;

import org.portcullis.gateway.envelope.Recipient;

/**
 * The fate of one recipient in one attempt.
 *
 * @param recipient the recipient
 * @param status    delivered, deferred (4xx, no answer, no route yet) or failed (5xx)
 * @param relay     the next hop that answered, e.g. {@code mail.example.com[192.0.2.1]:25},
 *                  or a description such as {@code maildir} or {@code none}
 * @param reply     the next hop's reply or our own explanation, e.g. {@code 250 2.0.0 Ok}
 */
public record RecipientResult(Recipient recipient, Status status, String relay, String reply) {

    public enum Status { DELIVERED, DEFERRED, FAILED }
}
