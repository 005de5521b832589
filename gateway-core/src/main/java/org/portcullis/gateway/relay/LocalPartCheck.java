package org.portcullis.gateway.relay;

import java.nio.charset.StandardCharsets;

/**
 * Checks the local part of a mailbox (RFC 5321 §4.1.2, with the UTF-8 of RFC 6531) and gives
 * its canonical form: a quoted local part whose content is a plain dot-atom loses its quotes
 * ({@code "john"} is {@code john}), any other keeps them, with only {@code "} and {@code \}
 * escaped. {@code %} and {@code !}, legal in a dot-atom, and {@code @}, {@code %} or {@code !}
 * inside quotes are refused: downstream MTAs may still route on them.
 */
final class LocalPartCheck {

    /** RFC 5321 §4.5.3.1.1. */
    static final int MAX_LOCAL_PART_OCTETS = 64;

    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    private LocalPartCheck() {
    }

    /**
     * @param written     the local part as written, quotes included
     * @param utf8Allowed whether non-ASCII characters may appear (SMTPUTF8 was given)
     */
    static Checked check(String written, boolean utf8Allowed) {
        if (written.isEmpty()) {
            return refused(Refusal.syntax("empty local part", "syntax"));
        }
        if (written.getBytes(StandardCharsets.UTF_8).length > MAX_LOCAL_PART_OCTETS) {
            return refused(Refusal.syntax("local part too long", "too_long"));
        }
        if (!utf8Allowed && !written.chars().allMatch(c -> c < 0x80)) {
            return refused(new Refusal(Refusal.Kind.NEEDS_SMTPUTF8,
                    "non-ASCII local part without SMTPUTF8", "needs_smtputf8"));
        }
        return written.charAt(0) == '"' ? quoted(written) : dotAtom(written);
    }

    private static Checked dotAtom(String text) {
        Refusal refusal = dotAtomRefusal(text);
        if (refusal != null) {
            return refused(refusal);
        }
        if (text.indexOf('%') >= 0) {
            return refused(Refusal.trick("percent hack is not allowed", "percent_hack"));
        }
        if (text.indexOf('!') >= 0) {
            return refused(Refusal.trick("bang paths are not allowed", "bang_path"));
        }
        return new Checked.Ok(text);
    }

    /** The syntax refusal of {@code text} as a dot-atom, or null when it is one. */
    private static Refusal dotAtomRefusal(String text) {
        int i = 0;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            if (c == '\\') {
                return Refusal.trick("backslash escapes are only allowed inside quotes", "backslash");
            }
            if (c != '.' && !isAtext(c)) {
                return Refusal.syntax("character not allowed in local part", "syntax");
            }
            i += Character.charCount(c);
        }
        if (text.startsWith(".") || text.endsWith(".") || text.contains("..")) {
            return Refusal.syntax("local part has an empty part between dots", "syntax");
        }
        return null;
    }

    private static Checked quoted(String written) {
        if (written.length() < 2 || !written.endsWith("\"")) {
            return refused(Refusal.syntax("quoted local part is not closed", "syntax"));
        }
        StringBuilder content = new StringBuilder(written.length());
        int end = written.length() - 1;
        int i = 1;
        while (i < end) {
            int c = written.codePointAt(i);
            if (c == '\\') {
                int escaped = i + 1 < end ? written.charAt(i + 1) : -1;
                if (escaped < 0x20 || escaped > 0x7e) {
                    return refused(Refusal.syntax("bad escape in quoted local part", "syntax"));
                }
                content.append((char) escaped);
                i += 2;
                continue;
            }
            if (c == '"' || (c < 0x80 && (c < 0x20 || c > 0x7e))) {
                return refused(Refusal.syntax("character not allowed in quoted local part", "syntax"));
            }
            content.appendCodePoint(c);
            i += Character.charCount(c);
        }
        String unquoted = content.toString();
        if (unquoted.isEmpty()) {
            return refused(Refusal.syntax("empty local part", "syntax"));
        }
        if (unquoted.chars().anyMatch(c -> c == '@' || c == '%' || c == '!')) {
            return refused(Refusal.trick("quoted local part hides a route (@, % or !)", "quoted_route"));
        }
        if (dotAtomRefusal(unquoted) == null) {
            return new Checked.Ok(unquoted);
        }
        return new Checked.Ok(requote(unquoted));
    }

    private static String requote(String content) {
        StringBuilder quoted = new StringBuilder(content.length() + 2).append('"');
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.append('"').toString();
    }

    private static boolean isAtext(int c) {
        if (c >= 0x80) {
            // RFC 6531 atext: any UTF-8 beyond ASCII, but not the invisible or blank ones.
            int type = Character.getType(c);
            return type != Character.SPACE_SEPARATOR && type != Character.LINE_SEPARATOR
                    && type != Character.PARAGRAPH_SEPARATOR;
        }
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || ATEXT_SPECIALS.indexOf(c) >= 0;
    }

    private static Checked refused(Refusal refusal) {
        return new Checked.Refused(refusal);
    }
}
