package org.portcullis.message;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Gives each entity of a mime4j token stream its part path as {@link org.portcullis.filter.MimePart#path()}
 * names it: {@code ""} for the message, then 1-based child numbers joined by dots. The parser,
 * the raw-body reader and the rewriter all number parts through this class, so a path means
 * the same part in each of them.
 */
final class PathTracker {

    private record Level(String path, int[] children) {
    }

    private final Deque<Level> levels = new ArrayDeque<>();

    /** A new entity starts (the message, a body part, or the message inside a message/rfc822 part). */
    String enter() {
        Level parent = levels.peek();
        String path;
        if (parent == null) {
            path = "";
        } else {
            int n = ++parent.children()[0];
            path = parent.path().isEmpty() ? Integer.toString(n) : parent.path() + "." + n;
        }
        levels.push(new Level(path, new int[1]));
        return path;
    }

    /** The current entity ends; returns its path. */
    String leave() {
        return levels.pop().path();
    }

    String current() {
        Level top = levels.peek();
        return top == null ? "" : top.path();
    }

    /** The current entity's depth: 0 for the message. */
    int depth() {
        return levels.size() - 1;
    }

    static boolean isWithin(String path, String ancestor) {
        return ancestor.isEmpty() || path.equals(ancestor) || path.startsWith(ancestor + ".");
    }
}
