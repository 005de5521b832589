package org.portcullis.policy;

import java.util.List;
import java.util.Objects;

/**
 * A decision told for an admin ({@code portcullis policy explain}): what each filter found,
 * each rule in order with whether it matched and why or why not, which rule decided, the final
 * verdict and the actions.
 *
 * @param decision the decision explained, the same as {@link Policy#decide} gives
 * @param lines    the account, line by line
 */
public record Explanation(Decision decision, List<String> lines) {

    public Explanation {
        Objects.requireNonNull(decision, "decision");
        lines = List.copyOf(lines);
    }

    /** The account as one text, each line ended by a newline. */
    public String text() {
        StringBuilder s = new StringBuilder();
        lines.forEach(l -> s.append(l).append('\n'));
        return s.toString();
    }

    @Override
    public String toString() {
        return text();
    }
}
