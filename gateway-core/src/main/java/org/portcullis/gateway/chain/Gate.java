package org.portcullis.gateway.chain;

/**
 * The filter chains and the judge that rules on what they find: what a session takes at its
 * start and keeps to its end, so a reload never changes the rules under a session's feet.
 */
public record Gate(FilterChain chain, Judge judge) {
}
