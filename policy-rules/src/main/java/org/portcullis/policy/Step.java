package org.portcullis.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.portcullis.filter.Verdict;

/** One step of a decision, in the order the policy took it. */
public sealed interface Step {

    /** One line for logs and {@code policy explain}. */
    String describe();

    /** A rule that does not apply here (another stage or direction), so was not tried. */
    record Skipped(String rule, int line, String reason) implements Step {
        public Skipped {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String describe() {
            return "rule '" + rule + "' skipped: " + reason;
        }
    }

    /** A rule that was tried and did not match; {@code reason} names the condition that failed. */
    record NotMatched(String rule, int line, String reason) implements Step {
        public NotMatched {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String describe() {
            return "rule '" + rule + "' did not match: " + reason;
        }
    }

    /**
     * A rule that matched.
     *
     * @param reason  why it matched
     * @param verdict the verdict it gave, if it gives one
     * @param actions the actions it added
     * @param ends    whether it ended the evaluation (a verdict without {@code continue: true})
     */
    record Matched(String rule, int line, String reason, Optional<Verdict> verdict, List<Action> actions,
                   boolean ends) implements Step {
        public Matched {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(verdict, "verdict");
            actions = List.copyOf(actions);
        }

        @Override
        public String describe() {
            StringBuilder s = new StringBuilder("rule '").append(rule).append("' matched: ").append(reason);
            verdict.ifPresent(v -> s.append("; verdict ").append(VerdictText.of(v)));
            actions.forEach(a -> s.append("; ").append(a.describe()));
            if (verdict.isPresent()) {
                s.append(ends ? "; this rule decides" : "; evaluation continues");
            }
            return s.toString();
        }
    }

    /** No rule decided, so the strictest verdict a filter proposed stands. */
    record ProposalStands(String filter, Verdict verdict) implements Step {
        public ProposalStands {
            Objects.requireNonNull(filter, "filter");
            Objects.requireNonNull(verdict, "verdict");
        }

        @Override
        public String describe() {
            return "no rule decided; the strictest proposal stands: " + VerdictText.of(verdict)
                    + " (proposed by " + filter + ")";
        }
    }

    /** No rule decided and no filter proposed a verdict: carry on. */
    record NoVerdict() implements Step {
        @Override
        public String describe() {
            return "no rule decided and no filter proposed a verdict; continue";
        }
    }

    /** Something an admin should know about the outcome, e.g. actions set aside. */
    record Note(String text) implements Step {
        public Note {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String describe() {
            return text;
        }
    }
}
