package org.portcullis.gateway.config;

import java.nio.file.Path;

/**
 * Delivery into a Maildir on this machine, used when no route matches a recipient — what makes
 * the embedded default useful before any next hop is configured.
 *
 * @param maildir {@code local_delivery.maildir}: the Maildir root; one sub-Maildir per recipient
 *                address; null turns local delivery off (unrouted mail is then deferred)
 */
public record LocalDeliveryConfig(Path maildir) {
}
