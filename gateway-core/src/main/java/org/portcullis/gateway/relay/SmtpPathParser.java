package org.portcullis.gateway.relay;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.portcullis.gateway.envelope.MailAddress;

/**
 * Reads the path of MAIL FROM and RCPT TO as RFC 5321 §4.1.2 (and RFC 6531 with SMTPUTF8)
 * defines it, and refuses what a boundary gateway must not pass on.
 *
 * <p>Replies: a malformed path gets {@code 501 5.1.7} (MAIL) or {@code 501 5.1.3} (RCPT); a
 * path that would route elsewhere than its final domain, or whose domain poses as another
 * (source route, {@code %} hack, bang path, route hidden in quotes or behind a backslash, a
 * second {@code @}, IP literal, trailing dot, mixed scripts, compatibility characters, bad
 * punycode, invisible characters) gets {@code 553 5.7.1}; UTF-8 without SMTPUTF8 gets
 * {@code 553 5.6.7}. Reply texts never echo what the client sent. Each refusal counts in
 * {@code portcullis.relay.refused{reason=...}}.
 */
public final class SmtpPathParser implements PathParser {

    /** RFC 5321 §4.5.3.1.3, angle brackets included. */
    public static final int MAX_PATH_OCTETS = 256;

    private static final String POSTMASTER = "postmaster";

    private final String hostname;
    private final RefusalCounter refusals;

    /**
     * @param hostname the gateway's host name: {@code RCPT TO:<postmaster>} means postmaster there
     * @throws IllegalArgumentException when {@code hostname} is not a valid domain name
     */
    public SmtpPathParser(String hostname, MeterRegistry registry) {
        Objects.requireNonNull(hostname, "hostname");
        this.hostname = switch (DomainNameCheck.check(hostname, true)) {
            case Checked.Ok ok -> ok.canonical();
            case Checked.Refused refused -> throw new IllegalArgumentException(
                    "host name '" + hostname + "' is not a valid domain name: " + refused.refusal().reason());
        };
        this.refusals = new RefusalCounter(registry);
    }

    @Override
    public PathResult parseReversePath(String argument, boolean smtpUtf8) {
        return parse(argument, smtpUtf8, PathKind.REVERSE);
    }

    @Override
    public PathResult parseForwardPath(String argument, boolean smtpUtf8) {
        return parse(argument, smtpUtf8, PathKind.FORWARD);
    }

    private PathResult parse(String argument, boolean smtpUtf8, PathKind kind) {
        Objects.requireNonNull(argument, "argument");
        Refusal badCharacter = characterRefusal(argument);
        if (badCharacter != null) {
            return rejected(badCharacter, kind);
        }
        int open = 0;
        while (open < argument.length() && argument.charAt(open) == ' ') {
            open++;
        }
        if (open == argument.length() || argument.charAt(open) != '<') {
            return rejected(missingBrackets(), kind);
        }
        int localEnd = endOfQuotedLocalPart(argument, open + 1);
        if (localEnd < 0) {
            return rejected(Refusal.syntax("quoted local part is not closed", "syntax"), kind);
        }
        int close = argument.indexOf('>', localEnd);
        if (close < 0) {
            return rejected(missingBrackets(), kind);
        }
        if (argument.substring(open, close + 1).getBytes(StandardCharsets.UTF_8).length > MAX_PATH_OCTETS) {
            return rejected(Refusal.syntax("path too long", "too_long"), kind);
        }
        String after = argument.substring(close + 1);
        if (!after.isEmpty() && after.charAt(0) != ' ') {
            return rejected(Refusal.syntax("unexpected text after the path", "syntax"), kind);
        }
        return mailbox(argument.substring(open + 1, close), localEnd - open - 1, after.strip(), smtpUtf8, kind);
    }

    /**
     * @param inner     the path without its angle brackets
     * @param quotedEnd in {@code inner}: just past a quoted local part, or 0 when it is not quoted
     */
    private PathResult mailbox(String inner, int quotedEnd, String parameters, boolean smtpUtf8, PathKind kind) {
        if (inner.isEmpty()) {
            return kind == PathKind.REVERSE
                    ? new PathResult.Parsed(MailAddress.NULL_SENDER, parameters)
                    : rejected(Refusal.syntax("the null path is not a recipient", "syntax"), kind);
        }
        if (inner.charAt(0) == '@') {
            return rejected(Refusal.trick("source routes are not allowed", "source_route"), kind);
        }
        int at = inner.indexOf('@', quotedEnd);
        if (at < 0) {
            if (kind == PathKind.FORWARD && quotedEnd == 0 && inner.equalsIgnoreCase(POSTMASTER)) {
                return new PathResult.Parsed(new MailAddress(POSTMASTER, hostname), parameters);
            }
            return rejected(Refusal.syntax("address has no domain", "syntax"), kind);
        }
        if (quotedEnd > 0 && at != quotedEnd) {
            return rejected(Refusal.syntax("text between quoted local part and @", "syntax"), kind);
        }
        String localPart;
        switch (LocalPartCheck.check(inner.substring(0, at), smtpUtf8)) {
            case Checked.Ok ok -> localPart = ok.canonical();
            case Checked.Refused refused -> {
                return rejected(refused.refusal(), kind);
            }
        }
        return switch (DomainNameCheck.check(inner.substring(at + 1), smtpUtf8)) {
            case Checked.Ok ok -> new PathResult.Parsed(new MailAddress(localPart, ok.canonical()), parameters);
            case Checked.Refused refused -> rejected(refused.refusal(), kind);
        };
    }

    /** Control characters, broken UTF-8 and invisible formatting characters have no place in a command. */
    private static Refusal characterRefusal(String argument) {
        for (int i = 0; i < argument.length(); ) {
            int c = argument.codePointAt(i);
            int type = Character.getType(c);
            if (type == Character.CONTROL) {
                return Refusal.syntax("control character in address", "control_character");
            }
            if (type == Character.SURROGATE || c == 0xFFFD) {
                return Refusal.syntax("invalid UTF-8 in address", "syntax");
            }
            if (type == Character.FORMAT) {
                // Bidi overrides and zero-width characters make one address look like another.
                return Refusal.trick("invisible formatting character in address", "invisible_character");
            }
            i += Character.charCount(c);
        }
        return null;
    }

    /**
     * Where the local part ends when it is quoted (a quoted local part may hold {@code >} and
     * spaces), so the search for the closing bracket starts after it.
     *
     * @return the index just past the closing quote, {@code start} when the local part is not
     *         quoted, or -1 when the quote is never closed
     */
    private static int endOfQuotedLocalPart(String argument, int start) {
        if (start >= argument.length() || argument.charAt(start) != '"') {
            return start;
        }
        for (int i = start + 1; i < argument.length(); i++) {
            char c = argument.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        return -1;
    }

    private static Refusal missingBrackets() {
        return Refusal.syntax("path must be enclosed in angle brackets", "missing_brackets");
    }

    private PathResult rejected(Refusal refusal, PathKind kind) {
        refusals.count(refusal.tag());
        return switch (refusal.kind()) {
            case SYNTAX -> new PathResult.Rejected(501, kind.syntaxCode, "Bad " + kind.noun + " address syntax: "
                    + refusal.reason());
            case TRICK -> new PathResult.Rejected(553, "5.7.1", kind.title + " address rejected: " + refusal.reason());
            case NEEDS_SMTPUTF8 -> new PathResult.Rejected(553, "5.6.7", kind.title + " address rejected: "
                    + refusal.reason());
        };
    }

    /** MAIL FROM carries the reverse-path, RCPT TO a forward-path; their replies differ. */
    private enum PathKind {
        REVERSE("sender", "Sender", "5.1.7"),
        FORWARD("recipient", "Recipient", "5.1.3");

        private final String noun;
        private final String title;
        private final String syntaxCode;

        PathKind(String noun, String title, String syntaxCode) {
            this.noun = noun;
            this.title = title;
            this.syntaxCode = syntaxCode;
        }
    }
}
