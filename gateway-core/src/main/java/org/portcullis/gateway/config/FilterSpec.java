package org.portcullis.gateway.config;

import java.time.Duration;
import java.util.Map;

/**
 * One filter of a chain as the admin configured it; the plug-in reads its own {@code settings}
 * through a FilterConfig when the chain is built.
 *
 * @param type     {@code filters.*[].type}: the kind of filter (a FilterFactory's type)
 * @param name     {@code filters.*[].name}: its name in logs, metrics and policy reports; the type by default
 * @param timeout  {@code filters.*[].timeout}: the longest any one stage may take (default 30s)
 * @param failOpen {@code filters.*[].on_failure}: {@code accept} carries on without the filter when it
 *                 fails or times out; {@code tempfail} (the default) answers 4xx
 * @param settings the filter's own settings: every other key of the entry
 * @param where    for errors: the entry's path, e.g. {@code filters.inbound[0]}
 * @param file     the configuration file
 * @param line     the line the entry starts on
 * @param lines    the line of each setting, by dotted key below the entry
 */
public record FilterSpec(String type, String name, Duration timeout, boolean failOpen, Map<String, Object> settings,
                         String where, String file, int line, Map<String, Integer> lines) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public FilterSpec {
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
        lines = Map.copyOf(lines);
    }

    /** The line of a setting, or of the entry when the setting is not there. */
    public int lineOf(String key) {
        return lines.getOrDefault(key, line);
    }
}
