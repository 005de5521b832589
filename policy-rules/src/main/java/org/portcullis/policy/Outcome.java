package org.portcullis.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.portcullis.filter.Finding;

/**
 * Whether a condition holds, why (in words for the admin), and which attachments made it hold,
 * so that {@code strip_attachment} knows the parts to take out.
 */
record Outcome(boolean holds, String why, List<Finding.ContentType> attachments) {

    Outcome {
        attachments = List.copyOf(attachments);
    }

    static Outcome yes(String why) {
        return new Outcome(true, why, List.of());
    }

    static Outcome no(String why) {
        return new Outcome(false, why, List.of());
    }

    static Outcome of(boolean holds, String why) {
        return new Outcome(holds, why, List.of());
    }

    /** The attachments of several outcomes, each once, in order. */
    static List<Finding.ContentType> union(List<Outcome> outcomes) {
        Set<Finding.ContentType> all = new LinkedHashSet<>();
        outcomes.forEach(o -> all.addAll(o.attachments()));
        return new ArrayList<>(all);
    }
}
