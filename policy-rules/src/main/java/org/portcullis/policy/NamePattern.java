package org.portcullis.policy;

import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One entry of a pattern list as an admin writes it: {@code example.com} (exactly that),
 * {@code .example.com} (any subdomain of it, where domains are meant), {@code application/x-*}
 * (a glob: {@code *} any run of characters, {@code ?} one) or {@code /^bounce-/} (a regular
 * expression, found anywhere). All compare case-insensitively: domains, media types and file
 * names are case-insensitive, and no site wants {@code Alice@} and {@code alice@} told apart.
 */
sealed interface NamePattern {

    /** The entry as written. */
    String source();

    boolean matches(String text);

    record Exact(String source) implements NamePattern {
        @Override
        public boolean matches(String text) {
            return text.equalsIgnoreCase(source);
        }
    }

    /** {@code .example.com}: strictly below {@code example.com}, not the domain itself. */
    record Subdomain(String source) implements NamePattern {
        @Override
        public boolean matches(String text) {
            String t = text.toLowerCase(Locale.ROOT);
            return t.endsWith(source.toLowerCase(Locale.ROOT)) && t.length() > source.length();
        }
    }

    record Glob(String source, Pattern pattern) implements NamePattern {
        @Override
        public boolean matches(String text) {
            return pattern.matcher(text).matches();
        }
    }

    record Regex(String source, Pattern pattern) implements NamePattern {
        @Override
        public boolean matches(String text) {
            return pattern.matcher(text).find();
        }
    }

    /**
     * Reads an entry. Regular expressions are {@code /between slashes/}, globs contain {@code *}
     * or {@code ?}, anything else is exact; {@code subdomains} allows the leading-dot form.
     *
     * @throws IllegalArgumentException with what is wrong, for the caller to put a line to
     */
    static NamePattern parse(String text, boolean subdomains) {
        if (text.length() >= 2 && text.startsWith("/") && text.endsWith("/")) {
            return new Regex(text, regex(text.substring(1, text.length() - 1)));
        }
        if (text.isEmpty() || text.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("'" + text + "' is not a name: write it without spaces, "
                    + "or as /a regular expression/");
        }
        if (text.indexOf('*') >= 0 || text.indexOf('?') >= 0) {
            return new Glob(text, glob(text));
        }
        if (text.startsWith(".")) {
            if (!subdomains || text.length() == 1) {
                throw new IllegalArgumentException("'" + text + "': a leading dot (any subdomain) is only for "
                        + "domains, e.g. .example.com");
            }
            return new Subdomain(text);
        }
        return new Exact(text);
    }

    /** Compiles an admin's regular expression (Java syntax), case-insensitively. */
    static Pattern regex(String expression) {
        try {
            return Pattern.compile(expression, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + expression + "' is not a valid regular expression: "
                    + e.getDescription() + (e.getIndex() >= 0 ? " at position " + e.getIndex() : ""));
        }
    }

    private static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }
}
