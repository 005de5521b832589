package org.portcullis.filter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One filter's section of the configuration, read with typed getters that check each value.
 * Values are as the admin wrote them (scalars as text, lists, nested sections); sizes take
 * {@code k}, {@code m}, {@code g} ({@code 10m}), durations {@code ms}, {@code s}, {@code m},
 * {@code h}, {@code d} ({@code 30s}). A wrong value throws {@link FilterConfigException} naming
 * the key; keys nobody read are reported by the gateway as misspellings ({@link #unreadKeys()}).
 */
public final class FilterConfig {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)b?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final String filterName;
    private final String prefix;
    private final Map<String, Object> values;
    private final Set<String> read;

    private FilterConfig(String filterName, String prefix, Map<String, Object> values, Set<String> read) {
        this.filterName = filterName;
        this.prefix = prefix;
        this.values = values;
        this.read = read;
    }

    /**
     * @param values the section: keys to {@link String}, {@link List} or {@link Map} values
     *               (other scalars are taken as their text)
     */
    public static FilterConfig of(String filterName, Map<String, ?> values) {
        return new FilterConfig(filterName, "", copy(values), new TreeSet<>());
    }

    /** The filter's name in the chain (its {@code name:}, or its type). */
    public String filterName() {
        return filterName;
    }

    public boolean has(String key) {
        return values.get(key) != null;
    }

    public Optional<String> string(String key) throws FilterConfigException {
        Object v = take(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw error(key, "must be a single value, not a list or section");
        }
        return Optional.of(s);
    }

    public String string(String key, String fallback) throws FilterConfigException {
        return string(key).orElse(fallback);
    }

    public String requireString(String key) throws FilterConfigException {
        return string(key).orElseThrow(() -> error(key, "is required"));
    }

    /** A required regular expression (Java syntax), compiled. */
    public Pattern pattern(String key) throws FilterConfigException {
        String text = requireString(key);
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw error(key, "is not a valid regular expression: " + e.getDescription());
        }
    }

    public int integer(String key, int fallback, int min, int max) throws FilterConfigException {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.get().strip());
            if (value < min || value > max) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw error(key, "must be a whole number between " + min + " and " + max);
        }
    }

    public double decimal(String key, double fallback, double min, double max) throws FilterConfigException {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text.get().strip());
            if (!(value >= min && value <= max)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw error(key, "must be a number between " + min + " and " + max);
        }
    }

    public boolean bool(String key, boolean fallback) throws FilterConfigException {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return fallback;
        }
        return switch (text.get().strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(key, "must be true or false");
        };
    }

    public Duration duration(String key, Duration fallback) throws FilterConfigException {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return fallback;
        }
        Matcher m = DURATION.matcher(text.get().strip());
        if (!m.matches()) {
            throw error(key, "must be a duration such as 500ms, 30s, 5m, 2h or 1d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** A size in bytes: {@code 512}, {@code 64k}, {@code 10m}, {@code 1g}. */
    public long size(String key, long fallback) throws FilterConfigException {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return fallback;
        }
        Matcher m = SIZE.matcher(text.get().strip());
        if (!m.matches()) {
            throw error(key, "must be a size such as 512, 64k, 10m or 1g");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> n * 1024;
            case "m" -> n * 1024 * 1024;
            case "g" -> n * 1024 * 1024 * 1024;
            default -> n;
        };
    }

    /** A list of values; a single value counts as a list of one; absent is empty. */
    public List<String> strings(String key) throws FilterConfigException {
        Object v = take(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        if (!(v instanceof List<?> list)) {
            throw error(key, "must be a list of values");
        }
        List<String> out = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw error(key, "must be a list of single values");
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    /** A nested section; empty when absent. */
    public FilterConfig section(String key) throws FilterConfigException {
        Object v = take(key);
        if (v == null) {
            return new FilterConfig(filterName, qualified(key) + ".", Map.of(), read);
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw error(key, "must be a section of settings");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> section = (Map<String, Object>) map;
        return new FilterConfig(filterName, qualified(key) + ".", section, read);
    }

    /** The keys (dotted below the filter's section) that the filter never read. */
    public Set<String> unreadKeys() {
        Set<String> unread = new TreeSet<>();
        collect("", values, unread);
        return unread;
    }

    /** An error about {@code key} of this section, for a filter's own checks. */
    public FilterConfigException error(String key, String message) {
        return new FilterConfigException(qualified(key), "'" + qualified(key) + "' " + message);
    }

    private void collect(String at, Map<String, Object> section, Set<String> unread) {
        for (var e : section.entrySet()) {
            String key = prefix + at + e.getKey();
            if (!read.contains(key)) {
                unread.add(key);
            } else if (e.getValue() instanceof Map<?, ?> nested && !nested.isEmpty()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> inner = (Map<String, Object>) nested;
                new FilterConfig(filterName, key + ".", inner, read).collect("", inner, unread);
            }
        }
    }

    private Object take(String key) {
        read.add(qualified(key));
        return values.get(key);
    }

    private String qualified(String key) {
        return prefix + key;
    }

    private static Map<String, Object> copy(Map<String, ?> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, normalise(v)));
        return out;
    }

    private static Object normalise(Object v) {
        if (v == null || v instanceof String) {
            return v;
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, value) -> out.put(String.valueOf(k), normalise(value)));
            return out;
        }
        if (v instanceof List<?> list) {
            return list.stream().map(FilterConfig::normalise).toList();
        }
        return String.valueOf(v);
    }
}
