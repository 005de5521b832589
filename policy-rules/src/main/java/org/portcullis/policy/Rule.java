package org.portcullis.policy;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Stage;

/**
 * One rule of the policy, checked at load.
 *
 * @param line      where the rule starts in the file
 * @param priority  lower first
 * @param order     its place in the file, which breaks ties of priority
 * @param direction the direction it is for; empty for both
 * @param continues whether evaluation goes on after its verdict ({@code continue: true})
 */
record Rule(String name, int line, int priority, int order, Stage stage, Optional<Direction> direction,
            Condition when, Optional<VerdictSpec> verdict, List<ActionSpec> actions, boolean continues) {

    Rule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(verdict, "verdict");
        actions = List.copyOf(actions);
    }

    /** Why the rule does not apply to this input at all, if it does not. */
    Optional<String> notFor(PolicyInput input) {
        if (input.stage() != stage) {
            return Optional.of("it is for " + stage + ", and this is " + input.stage());
        }
        if (direction.isPresent()) {
            Optional<Direction> actual = input.direction();
            if (actual.isEmpty()) {
                return Optional.of("it is for " + words(direction.get()) + " mail, and the direction is not known yet");
            }
            if (actual.get() != direction.get()) {
                return Optional.of("it is for " + words(direction.get()) + " mail, and this is " + words(actual.get()));
            }
        }
        return Optional.empty();
    }

    static String words(Direction direction) {
        return direction.name().toLowerCase(Locale.ROOT);
    }
}
