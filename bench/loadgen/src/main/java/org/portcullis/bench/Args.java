package org.portcullis.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of one subcommand; every option read must be known, every one given must be read. */
final class Args {

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> read = new HashSet<>();

    Args(List<String> argv) {
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + a);
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                values.put(a.substring(2, eq), a.substring(eq + 1));
            } else if (i + 1 < argv.size() && !argv.get(i + 1).startsWith("--")) {
                values.put(a.substring(2), argv.get(++i));
            } else {
                values.put(a.substring(2), "true");
            }
        }
    }

    String string(String name, String fallback) {
        read.add(name);
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        String v = string(name, null);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    long number(String name, long fallback) {
        String v = string(name, null);
        return v == null ? fallback : Long.parseLong(v);
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(string(name, "false"));
    }

    /** 1024, 10k, 100k, 1m, 100m: bytes. */
    long size(String name, long fallback) {
        String v = string(name, null);
        return v == null ? fallback : parseSize(v);
    }

    static long parseSize(String v) {
        String t = v.trim().toLowerCase();
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            unit = last == 'k' ? 1024 : last == 'm' ? 1024 * 1024 : 1024L * 1024 * 1024;
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * unit;
    }

    /** 250ms, 20s, 2m. */
    Duration duration(String name, Duration fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        String t = v.trim().toLowerCase();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("--" + name + ": a duration such as 20s, got " + v);
        };
    }

    InetSocketAddress address(String name, String fallback) {
        String v = string(name, fallback);
        if (v == null) {
            return null;
        }
        int colon = v.lastIndexOf(':');
        return new InetSocketAddress(v.substring(0, colon).replace("[", "").replace("]", ""),
                Integer.parseInt(v.substring(colon + 1)));
    }

    /** Fails on any option that no one asked for: a typo must not silently change a benchmark. */
    void finish() {
        Set<String> unknown = new HashSet<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): " + unknown);
        }
    }
}
