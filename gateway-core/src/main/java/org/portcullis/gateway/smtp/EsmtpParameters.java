package org.portcullis.gateway.smtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The ESMTP parameters after a MAIL or RCPT path (RFC 5321 §4.1.2): {@code KEYWORD[=value]}
 * separated by spaces. Keywords compare case-insensitively and are kept in upper case.
 */
final class EsmtpParameters {

    private final Map<String, String> values;

    private EsmtpParameters(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @return the parameters, or empty when the text is not a well-formed parameter list (a
     *         keyword given twice counts as malformed)
     */
    static Optional<EsmtpParameters> parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        if (text.isBlank()) {
            return Optional.of(new EsmtpParameters(values));
        }
        for (String item : text.strip().split(" +")) {
            int eq = item.indexOf('=');
            String keyword = (eq < 0 ? item : item.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? null : item.substring(eq + 1);
            if (!validKeyword(keyword) || (value != null && !validValue(value))
                    || values.containsKey(keyword)) {
                return Optional.empty();
            }
            values.put(keyword, value);
        }
        return Optional.of(new EsmtpParameters(values));
    }

    Map<String, String> asMap() {
        return values;
    }

    private static boolean validKeyword(String keyword) {
        if (keyword.isEmpty() || !isAlnum(keyword.charAt(0))) {
            return false;
        }
        return keyword.chars().allMatch(c -> isAlnum(c) || c == '-');
    }

    /** esmtp-value: printable US-ASCII but '=' and space, or UTF-8 (RFC 6531). */
    private static boolean validValue(String value) {
        return !value.isEmpty() && value.chars().allMatch(c -> c > ' ' && c != '=' && c != 0x7f);
    }

    private static boolean isAlnum(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    /** RFC 3461 xtext: printable ASCII but '+' and '=', with {@code +XX} hex escapes. */
    static boolean isXtext(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '+') {
                if (i + 2 >= value.length() || !isUpperHex(value.charAt(i + 1)) || !isUpperHex(value.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (c < '!' || c > '~' || c == '=') {
                return false;
            }
        }
        return true;
    }

    private static boolean isUpperHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }
}
