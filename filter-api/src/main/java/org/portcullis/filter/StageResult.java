package org.portcullis.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A filter's answer to one stage: what it found, what it proposes, and (at the end of the
 * message) what it would change. Immutable; build it up with the {@code with…} methods:
 * {@code StageResult.finding(f).withVerdict(Verdict.reject("…"))}.
 */
public record StageResult(List<Finding> findings, Optional<Verdict> verdict, List<Mutation> mutations) {

    private static final StageResult PROCEED = new StageResult(List.of(), Optional.empty(), List.of());

    public StageResult {
        findings = List.copyOf(findings);
        Objects.requireNonNull(verdict, "verdict");
        mutations = List.copyOf(mutations);
    }

    /** Nothing found, nothing to say: carry on. */
    public static StageResult proceed() {
        return PROCEED;
    }

    public static StageResult finding(Finding... findings) {
        return new StageResult(List.of(findings), Optional.empty(), List.of());
    }

    public static StageResult verdict(Verdict verdict) {
        return new StageResult(List.of(), Optional.of(verdict), List.of());
    }

    public static StageResult mutation(Mutation... mutations) {
        return new StageResult(List.of(), Optional.empty(), List.of(mutations));
    }

    public StageResult withFinding(Finding finding) {
        List<Finding> more = new ArrayList<>(findings);
        more.add(finding);
        return new StageResult(more, verdict, mutations);
    }

    public StageResult withVerdict(Verdict newVerdict) {
        return new StageResult(findings, Optional.of(newVerdict), mutations);
    }

    public StageResult withMutation(Mutation mutation) {
        List<Mutation> more = new ArrayList<>(mutations);
        more.add(mutation);
        return new StageResult(findings, verdict, more);
    }

    public boolean isEmpty() {
        return findings.isEmpty() && verdict.isEmpty() && mutations.isEmpty();
    }
}
