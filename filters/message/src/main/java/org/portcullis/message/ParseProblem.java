package org.portcullis.message;

import java.util.Objects;
import org.portcullis.filter.Finding;

/**
 * Something the parser met and worked around: a limit that cut the tree, or MIME that is not
 * well formed. Never an exception: the message is still there to be filtered.
 *
 * @param kind   a limit or malformed input
 * @param part   the part's path ({@code ""} for the root)
 * @param detail what happened, for the admin
 */
public record ParseProblem(Kind kind, String part, String detail) {

    public enum Kind {
        /** A {@link MessageLimits} value tripped; finding {@code mime.limit}. */
        LIMIT("mime.limit"),
        /** The MIME is not well formed; finding {@code mime.malformed}. */
        MALFORMED("mime.malformed");

        private final String findingName;

        Kind(String findingName) {
            this.findingName = findingName;
        }

        public String findingName() {
            return findingName;
        }
    }

    public ParseProblem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(part, "part");
        Objects.requireNonNull(detail, "detail");
    }

    /** {@code mime.limit} or {@code mime.malformed}, with the part and detail as its value. */
    public Finding toFinding() {
        return Finding.of(kind.findingName(), describe());
    }

    public String describe() {
        return (part.isEmpty() ? "message" : "part " + part) + ": " + detail;
    }
}
