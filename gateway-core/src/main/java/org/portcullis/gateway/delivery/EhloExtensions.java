package org.portcullis.gateway.delivery;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The service extensions a next hop announced in its EHLO/LHLO reply, keyword (upper case)
 * to parameters. Empty after HELO.
 */
record EhloExtensions(Map<String, String> keywords) {

    static final EhloExtensions NONE = new EhloExtensions(Map.of());

    EhloExtensions {
        keywords = Map.copyOf(keywords);
    }

    /** Parses every line but the first (the greeting name) of an EHLO reply. */
    static EhloExtensions parse(SmtpReply ehlo) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String line : ehlo.lines().subList(Math.min(1, ehlo.lines().size()), ehlo.lines().size())) {
            String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int space = trimmed.indexOf(' ');
            String keyword = (space < 0 ? trimmed : trimmed.substring(0, space)).toUpperCase(Locale.ROOT);
            found.putIfAbsent(keyword, space < 0 ? "" : trimmed.substring(space + 1).trim());
        }
        return new EhloExtensions(found);
    }

    boolean has(String keyword) {
        return keywords.containsKey(keyword);
    }

    boolean pipelining() {
        return has("PIPELINING");
    }

    boolean chunking() {
        return has("CHUNKING");
    }

    boolean startTls() {
        return has("STARTTLS");
    }

    boolean dsn() {
        return has("DSN");
    }

    boolean eightBitMime() {
        return has("8BITMIME");
    }

    boolean binaryMime() {
        return has("BINARYMIME");
    }

    boolean smtpUtf8() {
        return has("SMTPUTF8");
    }

    boolean size() {
        return has("SIZE");
    }

    /** The hop's announced size limit; empty when it gave none or 0 (no limit). */
    OptionalLong sizeLimit() {
        String value = keywords.get("SIZE");
        if (value == null || value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long limit = Long.parseLong(value.split(" ")[0]);
            return limit > 0 ? OptionalLong.of(limit) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
