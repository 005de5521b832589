package org.portcullis.policy;

/**
 * A rule's {@code when}: a test of the connection, the envelope, the message or the findings,
 * or a combination of such tests. Each answers with an {@link Outcome} that says why, so that a
 * trace can name the condition that failed.
 */
sealed interface Condition permits Combination, EnvelopeCondition, ClientCondition, MessageCondition,
        FindingCondition {

    Outcome test(PolicyInput input);

    /**
     * Whether a match can come from named attachments (outside any {@code not}): only then does
     * {@code strip_attachment} have parts to take out.
     */
    default boolean namesAttachments() {
        return false;
    }

    /**
     * Whether this condition can hold with no finding from a filter (findings the gateway makes
     * itself, {@code mime.*}, count as none): when no rule at the message stages can, a gateway
     * without filters need not read the message for the policy.
     */
    default boolean mayHoldWithoutFilterFindings() {
        return !(this instanceof FindingCondition) || testsParseFindings();
    }

    /** Whether this condition (or one inside it) tests a {@code mime.*} finding the gateway makes itself. */
    default boolean testsParseFindings() {
        return this instanceof FindingCondition.FindingExists e && e.names().stream().anyMatch(n -> n.startsWith("mime."))
                || this instanceof FindingCondition.FindingValue v && v.name().startsWith("mime.");
    }
}
