package org.portcullis.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Tests of the message itself: its size and its header fields. */
sealed interface MessageCondition extends Condition {

    /**
     * The size is above and/or below a limit, in bytes (-1 for no limit). Before the message
     * is there, the client's SIZE= declaration is judged, if it gave one.
     *
     * @param written the limits as the rule says them, e.g. {@code above 10m}
     */
    record SizeIs(long above, long below, String written) implements MessageCondition {
        @Override
        public Outcome test(PolicyInput input) {
            Optional<Long> size = input.judgedSize();
            if (size.isEmpty()) {
                return Outcome.no("the message's size is not known yet at " + input.stage() + " (no SIZE= given)");
            }
            long s = size.get();
            boolean holds = (above < 0 || s > above) && (below < 0 || s < below);
            String what = (input.size() >= 0 ? "the message's size, " : "the declared size (SIZE=), ") + s
                    + " bytes, is ";
            return Outcome.of(holds, what + (holds ? "" : "not ") + written);
        }
    }

    /** A header field of that name passes the test; {@code exists: false}: there is no such field. */
    record HeaderIs(String name, ValueTest test) implements MessageCondition {
        public HeaderIs {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(test, "test");
        }

        @Override
        public Outcome test(PolicyInput input) {
            List<String> values = input.headers().map(h -> h.values(name)).orElseGet(List::of);
            if (input.headers().isEmpty()) {
                return Outcome.no("the header section has not arrived yet at " + input.stage());
            }
            if (test.absent()) {
                return values.isEmpty() ? Outcome.yes("there is no " + name + " header")
                        : Outcome.no("there is a " + name + " header " + Values.quote(values.getFirst()));
            }
            if (values.isEmpty()) {
                return Outcome.no("there is no " + name + " header");
            }
            for (String v : values) {
                if (test.test(v, Values.parse(v))) {
                    return Outcome.yes("header " + name + " is " + Values.quote(v) + ", " + test.describe());
                }
            }
            return Outcome.no("header " + name + " is " + Values.quote(values.getFirst())
                    + (values.size() > 1 ? " (and " + (values.size() - 1) + " more)" : "")
                    + ", not " + test.describe());
        }
    }
}
