package org.portcullis.filter;

import java.util.Map;
import java.util.Objects;

/**
 * One envelope recipient with its RCPT TO parameters (e.g. {@code NOTIFY}, {@code ORCPT}).
 *
 * @param direction inbound for one of the organisation's own domains, outbound otherwise
 */
public record Recipient(Address address, Map<String, String> parameters, Direction direction) {

    public Recipient {
        Objects.requireNonNull(address, "address");
        parameters = Map.copyOf(parameters);
        Objects.requireNonNull(direction, "direction");
    }
}
