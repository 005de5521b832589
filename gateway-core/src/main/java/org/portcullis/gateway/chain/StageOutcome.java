package org.portcullis.gateway.chain;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.Stage;
import org.portcullis.filter.Verdict;

/** What every filter asked said at one stage, in chain order. */
public record StageOutcome(Stage stage, List<FilterOutcome> outcomes) {

    public StageOutcome {
        outcomes = List.copyOf(outcomes);
    }

    static StageOutcome empty(Stage stage) {
        return new StageOutcome(stage, List.of());
    }

    /** The strictest verdict proposed (the first of equals, in chain order). */
    public Optional<Verdict> strictest() {
        return outcomes.stream().flatMap(o -> o.result().verdict().stream())
                .max(Comparator.comparingInt(Verdict::severity));
    }

    /** Every mutation, in chain order and in the order each filter gave them. */
    public List<Mutation> mutations() {
        return outcomes.stream().flatMap(o -> o.result().mutations().stream()).toList();
    }
}
