package org.portcullis.gateway.delivery;

import java.util.List;

/** What happened to each recipient of one delivery attempt. */
public record DeliveryOutcome(List<RecipientResult> results) {

    public DeliveryOutcome {
        results = List.copyOf(results);
    }
}
