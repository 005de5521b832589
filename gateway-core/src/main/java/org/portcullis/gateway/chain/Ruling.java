package org.portcullis.gateway.chain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.Verdict;

/**
 * What the gateway does after a stage: the verdict, the changes to make to the message (the
 * filters' mutations in chain order, then the policy's), and the policy's delivery actions.
 *
 * @param verdict   continue, accept, reject, tempfail, discard or quarantine
 * @param mutations the changes to the message and envelope, in order
 * @param archives  archives to put a copy of the message into
 * @param route     a route the message must take instead of the one its domains choose
 * @param decidedBy what decided: a policy rule's name, or the filter whose proposal stood, or {@code -}
 */
public record Ruling(Verdict verdict, List<Mutation> mutations, List<String> archives, Optional<String> route,
                     String decidedBy) {

    public Ruling {
        Objects.requireNonNull(verdict, "verdict");
        mutations = List.copyOf(mutations);
        archives = List.copyOf(archives);
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(decidedBy, "decidedBy");
    }

    /** The strictest proposal of the filters stands, with their mutations. */
    public static Ruling of(StageOutcome outcome) {
        Verdict verdict = outcome.strictest().orElse(new Verdict.Continue());
        String by = outcome.outcomes().stream()
                .filter(o -> o.result().verdict().filter(v -> v.equals(verdict)).isPresent())
                .map(o -> "filter " + o.filter()).findFirst().orElse("-");
        return new Ruling(verdict, outcome.mutations(), List.of(), Optional.empty(), by);
    }

    /** What a chain that broke in an unforeseen way gets: a 4xx, never a silent pass. */
    public static Ruling unavailable() {
        return new Ruling(new Verdict.Tempfail(451, "4.3.0", "Message filtering is unavailable, try again later"),
                List.of(), List.of(), Optional.empty(), "-");
    }

    /** Whether the SMTP command (or message) is refused: reject or tempfail. */
    public boolean refuses() {
        return verdict instanceof Verdict.Reject || verdict instanceof Verdict.Tempfail;
    }
}
