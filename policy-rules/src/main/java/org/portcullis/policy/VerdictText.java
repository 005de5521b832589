package org.portcullis.policy;

import org.portcullis.filter.Verdict;

/** Verdicts in the words an admin reads in a trace. */
final class VerdictText {

    private VerdictText() {
    }

    static String of(Verdict verdict) {
        return switch (verdict) {
            case Verdict.Continue c -> "continue";
            case Verdict.Accept a -> "accept";
            case Verdict.Reject r -> "reject " + r.code() + " " + r.enhancedCode() + " " + r.text();
            case Verdict.Tempfail t -> "tempfail " + t.code() + " " + t.enhancedCode() + " " + t.text();
            case Verdict.Discard d -> "discard";
            case Verdict.Quarantine q -> "quarantine (" + q.reason() + ")";
        };
    }

    /** Whether the message (or connection, or recipient) is refused, so no changes apply to it. */
    static boolean refuses(Verdict verdict) {
        return switch (verdict) {
            case Verdict.Reject r -> true;
            case Verdict.Tempfail t -> true;
            case Verdict.Continue c -> false;
            case Verdict.Accept a -> false;
            case Verdict.Discard d -> false;
            case Verdict.Quarantine q -> false;
        };
    }
}
