package org.portcullis.message;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.james.mime4j.codec.DecodeMonitor;

/**
 * Collects the problems of one parse. mime4j reports what it works around (a premature end,
 * a bad base64 byte) to a {@link DecodeMonitor}; this one listens, never asks it to throw, and
 * files each report under the part being read at the time.
 */
final class ParseNotes extends DecodeMonitor {

    /** mime4j's own wording for a header line it skipped; {@link CheckingFieldBuilder} reports those better. */
    private static final String MIME4J_INVALID_HEADER = "Invalid header encountered";

    private final int max;
    private final Set<ParseProblem> problems = new LinkedHashSet<>();
    private String currentPart = "";
    private boolean full;

    ParseNotes(int max) {
        this.max = max;
    }

    /** The part whose header or body mime4j reads now. */
    void at(String part) {
        currentPart = part;
    }

    String currentPart() {
        return currentPart;
    }

    void limit(String part, String detail) {
        add(new ParseProblem(ParseProblem.Kind.LIMIT, part, detail));
    }

    void malformed(String part, String detail) {
        add(new ParseProblem(ParseProblem.Kind.MALFORMED, part, detail));
    }

    List<ParseProblem> problems() {
        return List.copyOf(new ArrayList<>(problems));
    }

    @Override
    public boolean isListening() {
        return true;
    }

    @Override
    public boolean warn(String message, String action) {
        if (!message.endsWith(MIME4J_INVALID_HEADER)) {
            malformed(currentPart, message);
        }
        return false;
    }

    private void add(ParseProblem problem) {
        if (problems.size() < max) {
            problems.add(problem);
        } else if (!full) {
            full = true;
            // The last slot says that more were dropped, so an admin never mistakes the list for all of them.
            problems.add(new ParseProblem(ParseProblem.Kind.LIMIT, problem.part(),
                    "more than " + max + " problems; the rest are not listed"));
        }
    }
}
