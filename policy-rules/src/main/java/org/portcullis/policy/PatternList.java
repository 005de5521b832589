package org.portcullis.policy;

import java.util.List;
import java.util.Optional;

/**
 * The patterns of one condition, with the list as the admin wrote it (group names unexpanded)
 * for the explanation.
 */
record PatternList(List<NamePattern> patterns, String written) {

    PatternList {
        patterns = List.copyOf(patterns);
    }

    /** The first pattern that matches {@code text}. */
    Optional<NamePattern> match(String text) {
        return patterns.stream().filter(p -> p.matches(text)).findFirst();
    }

    boolean matches(String text) {
        return match(text).isPresent();
    }
}
