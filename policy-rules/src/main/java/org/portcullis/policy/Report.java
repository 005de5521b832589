package org.portcullis.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Verdict;

/**
 * What one filter of the chain said at a stage: its findings and, perhaps, the verdict it
 * proposes. The policy reads the findings; the proposal stands only when no rule decides.
 *
 * @param filter   the filter's name in the chain, e.g. {@code antivirus}
 * @param findings what it found, in its order
 * @param proposed the verdict it proposes, if any
 */
public record Report(String filter, List<Finding> findings, Optional<Verdict> proposed) {

    public Report {
        Objects.requireNonNull(filter, "filter");
        findings = List.copyOf(findings);
        Objects.requireNonNull(proposed, "proposed");
    }

    /** A report of findings without a proposal. */
    public static Report of(String filter, Finding... findings) {
        return new Report(filter, List.of(findings), Optional.empty());
    }

    public Report proposing(Verdict verdict) {
        return new Report(filter, findings, Optional.of(verdict));
    }
}
