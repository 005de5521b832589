package org.portcullis.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** {@code all}, {@code any} and {@code not}, and the empty condition of a rule without {@code when}. */
sealed interface Combination extends Condition {

    /** A rule without {@code when}: it matches whenever its stage and direction apply. */
    record Always() implements Combination {
        @Override
        public Outcome test(PolicyInput input) {
            return Outcome.yes("the rule has no conditions");
        }
    }

    /** Every condition holds; the first that does not is the reason. */
    record All(List<Condition> conditions) implements Combination {
        public All {
            conditions = List.copyOf(conditions);
        }

        @Override
        public boolean mayHoldWithoutFilterFindings() {
            return conditions.stream().allMatch(Condition::mayHoldWithoutFilterFindings);
        }

        @Override
        public boolean testsParseFindings() {
            return conditions.stream().anyMatch(Condition::testsParseFindings);
        }

        @Override
        public Outcome test(PolicyInput input) {
            List<Outcome> held = new ArrayList<>();
            for (Condition c : conditions) {
                Outcome o = c.test(input);
                if (!o.holds()) {
                    return o;
                }
                held.add(o);
            }
            String why = held.stream().map(Outcome::why).collect(Collectors.joining("; "));
            return new Outcome(true, why, Outcome.union(held));
        }

        @Override
        public boolean namesAttachments() {
            return conditions.stream().anyMatch(Condition::namesAttachments);
        }
    }

    /**
     * At least one condition holds. All are tried, not just up to the first that holds, so that
     * every attachment that made the rule match is known to {@code strip_attachment}.
     */
    record Any(List<Condition> conditions) implements Combination {
        public Any {
            conditions = List.copyOf(conditions);
        }

        @Override
        public boolean mayHoldWithoutFilterFindings() {
            return conditions.stream().anyMatch(Condition::mayHoldWithoutFilterFindings);
        }

        @Override
        public boolean testsParseFindings() {
            return conditions.stream().anyMatch(Condition::testsParseFindings);
        }

        @Override
        public Outcome test(PolicyInput input) {
            List<Outcome> outcomes = conditions.stream().map(c -> c.test(input)).toList();
            List<Outcome> held = outcomes.stream().filter(Outcome::holds).toList();
            if (held.isEmpty()) {
                return Outcome.no("none of these holds: "
                        + outcomes.stream().map(Outcome::why).collect(Collectors.joining("; ")));
            }
            return new Outcome(true, held.getFirst().why(), Outcome.union(held));
        }

        @Override
        public boolean namesAttachments() {
            return conditions.stream().anyMatch(Condition::namesAttachments);
        }
    }

    /** The condition does not hold. */
    record Not(Condition condition) implements Combination {
        public Not {
            Objects.requireNonNull(condition, "condition");
        }

        /** "No virus" holds exactly when nothing was found. */
        @Override
        public boolean mayHoldWithoutFilterFindings() {
            return true;
        }

        @Override
        public boolean testsParseFindings() {
            return condition.testsParseFindings();
        }

        @Override
        public Outcome test(PolicyInput input) {
            Outcome o = condition.test(input);
            return o.holds()
                    ? Outcome.no(o.why() + ", and the rule asks for the opposite (not)")
                    : Outcome.yes(o.why());
        }
    }
}
