package org.portcullis.gateway.delivery;

import java.util.List;

/**
 * One reply of a next hop, or one we make up when the hop gave none (timeout, lost
 * connection), so that every step of a dialogue has a reply to act on.
 *
 * @param code     the three-digit reply code
 * @param lines    the text of each line without code and separator
 * @param fromPeer false for replies we made up; their text is our own explanation, starting with
 *                 an enhanced status code
 */
record SmtpReply(int code, List<String> lines, boolean fromPeer) {

    SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("not a reply code: " + code);
        }
        lines = List.copyOf(lines);
    }

    static SmtpReply of(int code, String text) {
        return new SmtpReply(code, List.of(text), true);
    }

    /** A reply of our own, e.g. {@code local(421, "4.4.2 lost connection with ...")}. */
    static SmtpReply local(int code, String explanation) {
        return new SmtpReply(code, List.of(explanation), false);
    }

    boolean isPositive() {
        return code < 400;
    }

    boolean isTransient() {
        return code >= 400 && code < 500;
    }

    boolean isPermanent() {
        return code >= 500;
    }

    /**
     * The reply as a delivery report shows it: {@code 250 2.0.0 Ok: stored}, the lines of a
     * multi-line reply joined by spaces; our own replies without the code.
     */
    String text() {
        String joined = String.join(" ", lines);
        return fromPeer ? code + (joined.isEmpty() ? "" : " " + joined) : joined;
    }

    @Override
    public String toString() {
        return text();
    }
}
