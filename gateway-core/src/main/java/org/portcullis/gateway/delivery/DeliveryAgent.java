package org.portcullis.gateway.delivery;

import java.util.concurrent.CompletableFuture;

/**
 * Hands a queued message to its next hops. It never throws for an expected outcome: every
 * recipient gets a {@link RecipientResult}, and a next hop that cannot be reached gives
 * {@link RecipientResult.Status#DEFERRED}.
 */
public interface DeliveryAgent {

    CompletableFuture<DeliveryOutcome> deliver(DeliveryRequest request);
}
