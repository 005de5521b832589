package org.portcullis.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.portcullis.filter.Verdict;

/**
 * What the policy decided at one stage.
 *
 * @param verdict the answer to give: decided by a rule, else the strictest proposal, else continue
 * @param actions the changes to make to an accepted message, in rule order (empty when refused)
 * @param trace   how the decision came about, step by step, for logs and {@code policy explain}
 */
public record Decision(Verdict verdict, List<Action> actions, List<Step> trace) {

    public Decision {
        Objects.requireNonNull(verdict, "verdict");
        actions = List.copyOf(actions);
        trace = List.copyOf(trace);
    }

    /** The rule whose verdict stands, if a rule decided (rather than a filter's proposal). */
    public Optional<String> decidingRule() {
        String rule = null;
        for (Step step : trace) {
            if (step instanceof Step.Matched m && m.verdict().isPresent()) {
                rule = m.rule();
            }
        }
        return Optional.ofNullable(rule);
    }
}
