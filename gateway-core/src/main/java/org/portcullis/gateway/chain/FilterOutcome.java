package org.portcullis.gateway.chain;

import java.util.Optional;
import org.portcullis.filter.StageResult;

/**
 * What one filter of the chain said at one stage. A filter that failed or timed out has its
 * {@code failure} set and a result made by the chain: a 4xx proposal (fail-closed) or a
 * {@code filter.failed} finding and nothing else (fail-open).
 */
public record FilterOutcome(String filter, StageResult result, Optional<String> failure) {
}
