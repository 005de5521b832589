package org.portcullis.filter;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A MIME media type such as {@code text/plain; charset=utf-8}: type and subtype in lower case,
 * parameter names in lower case, values as given.
 */
public record MediaType(String type, String subtype, Map<String, String> parameters) {

    public static final MediaType TEXT_PLAIN = new MediaType("text", "plain", Map.of());
    public static final MediaType OCTET_STREAM = new MediaType("application", "octet-stream", Map.of());

    public MediaType {
        type = type.toLowerCase(Locale.ROOT);
        subtype = subtype.toLowerCase(Locale.ROOT);
        Objects.requireNonNull(parameters, "parameters");
        Map<String, String> lower = new LinkedHashMap<>();
        parameters.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        parameters = Map.copyOf(lower);
    }

    /** {@code type/subtype} without parameters, e.g. {@code application/pdf}. */
    public String baseType() {
        return type + "/" + subtype;
    }

    /** Whether this is {@code pattern}: {@code text/html}, or {@code text/*} for any text. */
    public boolean is(String pattern) {
        String p = pattern.toLowerCase(Locale.ROOT);
        return p.endsWith("/*") ? type.equals(p.substring(0, p.length() - 2)) : baseType().equals(p);
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(baseType());
        parameters.forEach((k, v) -> s.append("; ").append(k).append('=').append(v));
        return s.toString();
    }
}
