package org.portcullis.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * A test of one value (a header field's, a finding's): {@code equals}, {@code matches},
 * {@code above}, {@code below}, all of which must hold; or {@code exists: false}, which holds
 * when there is no value at all.
 *
 * @param absent  {@code exists: false}
 * @param equals  the text (or number) it must equal
 * @param matches a regular expression it must contain a match of, with its source
 */
record ValueTest(boolean absent, Optional<String> equals, Optional<Pattern> matches, OptionalDouble above,
                 OptionalDouble below) {

    static ValueTest present() {
        return new ValueTest(false, Optional.empty(), Optional.empty(), OptionalDouble.empty(), OptionalDouble.empty());
    }

    static ValueTest missing() {
        return new ValueTest(true, Optional.empty(), Optional.empty(), OptionalDouble.empty(), OptionalDouble.empty());
    }

    boolean test(String text, OptionalDouble number) {
        if (absent) {
            return false;
        }
        if (equals.isPresent()) {
            OptionalDouble wanted = Values.parse(equals.get());
            boolean same = wanted.isPresent() && number.isPresent()
                    ? wanted.getAsDouble() == number.getAsDouble()
                    : text.equals(equals.get());
            if (!same) {
                return false;
            }
        }
        if (matches.isPresent() && !matches.get().matcher(text).find()) {
            return false;
        }
        if (above.isPresent() && (number.isEmpty() || !(number.getAsDouble() > above.getAsDouble()))) {
            return false;
        }
        return below.isEmpty() || number.isPresent() && number.getAsDouble() < below.getAsDouble();
    }

    /** E.g. {@code above 5 and below 15}; {@code present} for a bare {@code exists: true}. */
    String describe() {
        if (absent) {
            return "absent";
        }
        List<String> parts = new ArrayList<>();
        equals.ifPresent(e -> parts.add("equal to " + Values.quote(e)));
        matches.ifPresent(m -> parts.add("matching /" + m.pattern() + "/"));
        above.ifPresent(a -> parts.add("above " + Values.number(a)));
        below.ifPresent(b -> parts.add("below " + Values.number(b)));
        return parts.isEmpty() ? "present" : String.join(" and ", parts);
    }
}
