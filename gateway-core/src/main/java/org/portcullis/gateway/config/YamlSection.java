package org.portcullis.gateway.config;

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
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A typed, line-aware reader of one YAML mapping. Every value read is checked, and a mistake is
 * reported with the file, the line and what is allowed. Keys nobody read are reported by
 * {@link #finish()}, so a misspelt key is an error and not silently ignored.
 */
final class YamlSection {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)b?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final String file;
    private final String path;
    private final Node node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> read = new TreeSet<>();

    private YamlSection(String file, String path, Node node, MappingNode mapping) throws ConfigException {
        this.file = file;
        this.path = path;
        this.node = node;
        if (mapping == null) {
            return;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw error(tuple.getKeyNode(), "keys must be plain names");
            }
            if (entries.putIfAbsent(key.getValue(), tuple) != null) {
                throw error(key, "'" + qualified(key.getValue()) + "' is given twice");
            }
        }
    }

    static YamlSection root(String file, Node node) throws ConfigException {
        if (node == null) {
            return new YamlSection(file, "", null, null);
        }
        if (!(node instanceof MappingNode mapping)) {
            throw new ConfigException(file, line(node), "the file must be a mapping of settings (key: value)");
        }
        return new YamlSection(file, "", node, mapping);
    }

    boolean has(String key) {
        return entries.containsKey(key) && !isNull(entries.get(key).getValueNode());
    }

    /** A nested mapping; an empty section when the key is absent. */
    YamlSection section(String key) throws ConfigException {
        Node value = value(key);
        if (value == null || isNull(value)) {
            return new YamlSection(file, qualified(key), null, null);
        }
        if (!(value instanceof MappingNode mapping)) {
            throw error(value, "'" + qualified(key) + "' must be a mapping of settings");
        }
        return new YamlSection(file, qualified(key), value, mapping);
    }

    /** Each element of a list of mappings, e.g. {@code listeners} or {@code routes}. */
    List<YamlSection> sections(String key) throws ConfigException {
        List<YamlSection> out = new ArrayList<>();
        SequenceNode sequence = sequence(key);
        if (sequence == null) {
            return out;
        }
        int index = 0;
        for (Node item : sequence.getValue()) {
            String itemPath = qualified(key) + "[" + index++ + "]";
            if (!(item instanceof MappingNode mapping)) {
                throw error(item, "'" + itemPath + "' must be a mapping of settings");
            }
            out.add(new YamlSection(file, itemPath, item, mapping));
        }
        return out;
    }

    /** A list of plain values; a single value is taken as a list of one. */
    List<Scalar> scalars(String key) throws ConfigException {
        Node value = value(key);
        List<Scalar> out = new ArrayList<>();
        if (value == null || isNull(value)) {
            return out;
        }
        if (value instanceof ScalarNode scalar) {
            out.add(new Scalar(scalar.getValue(), line(scalar)));
            return out;
        }
        if (!(value instanceof SequenceNode sequence)) {
            throw error(value, "'" + qualified(key) + "' must be a list, e.g. [a, b]");
        }
        for (Node item : sequence.getValue()) {
            if (!(item instanceof ScalarNode scalar)) {
                throw error(item, "each entry of '" + qualified(key) + "' must be a plain value");
            }
            out.add(new Scalar(scalar.getValue(), line(scalar)));
        }
        return out;
    }

    Optional<Scalar> scalar(String key) throws ConfigException {
        Node value = value(key);
        if (value == null || isNull(value)) {
            return Optional.empty();
        }
        if (!(value instanceof ScalarNode scalar)) {
            throw error(value, "'" + qualified(key) + "' must be a plain value");
        }
        return Optional.of(new Scalar(scalar.getValue(), line(scalar)));
    }

    String string(String key, String fallback) throws ConfigException {
        return scalar(key).map(Scalar::text).orElse(fallback);
    }

    boolean bool(String key, boolean fallback) throws ConfigException {
        Optional<Scalar> s = scalar(key);
        if (s.isEmpty()) {
            return fallback;
        }
        return switch (s.get().text().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(s.get(), key, "must be true or false");
        };
    }

    int integer(String key, int fallback, int min, int max) throws ConfigException {
        Optional<Scalar> s = scalar(key);
        if (s.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(s.get().text().replace("_", ""));
            if (value < min || value > max) {
                throw error(s.get(), key, "must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw error(s.get(), key, "must be a whole number between " + min + " and " + max);
        }
    }

    double decimal(String key, double fallback, double min, double max) throws ConfigException {
        Optional<Scalar> s = scalar(key);
        if (s.isEmpty()) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(s.get().text());
            if (!(value >= min && value <= max)) {
                throw error(s.get(), key, "must be a number from " + min + " to " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw error(s.get(), key, "must be a number from " + min + " to " + max);
        }
    }

    /** A size in bytes: {@code 1048576}, {@code 512k}, {@code 50m}, {@code 1g}. */
    long size(String key, long fallback, long min, long max) throws ConfigException {
        Optional<Scalar> s = scalar(key);
        if (s.isEmpty()) {
            return fallback;
        }
        Matcher m = SIZE.matcher(s.get().text().trim().replace("_", ""));
        String allowed = "must be a size from " + min + " to " + max + " bytes, e.g. 512k, 50m, 1g";
        if (!m.matches()) {
            throw error(s.get(), key, allowed);
        }
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1024L;
            case "m" -> 1024L * 1024;
            case "g" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        try {
            long value = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
            if (value < min || value > max) {
                throw error(s.get(), key, allowed);
            }
            return value;
        } catch (NumberFormatException | ArithmeticException e) {
            throw error(s.get(), key, allowed);
        }
    }

    /** A duration: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 5d}. */
    Duration duration(String key, Duration fallback) throws ConfigException {
        Optional<Scalar> s = scalar(key);
        if (s.isEmpty()) {
            return fallback;
        }
        Matcher m = DURATION.matcher(s.get().text().trim());
        if (!m.matches()) {
            throw error(s.get(), key, "must be a duration such as 500ms, 30s, 5m, 1h or 5d");
        }
        long amount = Long.parseLong(m.group(1));
        Duration value = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (value.isZero()) {
            throw error(s.get(), key, "must be longer than zero");
        }
        return value;
    }

    /**
     * Every key of this section not read so far, as plain values ({@link String}, {@link List},
     * {@link Map}; null for an empty value), for a plug-in's own settings; the line of each
     * (dotted key below this section) goes into {@code lines}.
     */
    Map<String, Object> remaining(Map<String, Integer> lines) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            if (read.add(entry.getKey())) {
                out.put(entry.getKey(), plain(entry.getKey(), entry.getValue(), lines));
            }
        }
        return out;
    }

    private static Object plain(String key, NodeTuple tuple, Map<String, Integer> lines) {
        lines.put(key, line(tuple.getKeyNode()));
        return plain(key, tuple.getValueNode(), lines);
    }

    private static Object plain(String key, Node node, Map<String, Integer> lines) {
        if (node instanceof ScalarNode scalar) {
            return isNull(scalar) ? null : scalar.getValue();
        }
        if (node instanceof SequenceNode sequence) {
            List<Object> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                items.add(plain(key, item, lines));
            }
            return items;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            String name = tuple.getKeyNode() instanceof ScalarNode k ? k.getValue() : String.valueOf(tuple.getKeyNode());
            map.put(name, plain(key + "." + name, tuple, lines));
        }
        return map;
    }

    /** The line this section starts on (0 when unknown). */
    int line() {
        return node == null ? 0 : line(node);
    }

    /** Fails on any key of this section that was never read: a typo must not pass silently. */
    void finish(String... allowed) throws ConfigException {
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            if (!read.contains(entry.getKey())) {
                throw error(entry.getValue().getKeyNode(), "unknown setting '" + qualified(entry.getKey())
                        + "'; allowed here: " + String.join(", ", allowed));
            }
        }
    }

    ConfigException error(Scalar scalar, String key, String message) {
        return new ConfigException(file, scalar.line(), "'" + qualified(key) + "' " + message
                + " (found '" + scalar.text() + "')");
    }

    ConfigException error(String message) {
        return new ConfigException(file, node == null ? 0 : line(node), message);
    }

    ConfigException error(Node at, String message) {
        return new ConfigException(file, line(at), message);
    }

    String qualified(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    String file() {
        return file;
    }

    private Node value(String key) {
        read.add(key);
        NodeTuple tuple = entries.get(key);
        return tuple == null ? null : tuple.getValueNode();
    }

    private SequenceNode sequence(String key) throws ConfigException {
        Node value = value(key);
        if (value == null || isNull(value)) {
            return null;
        }
        if (!(value instanceof SequenceNode sequence)) {
            throw error(value, "'" + qualified(key) + "' must be a list");
        }
        return sequence;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /** One plain value and the line it stands on. */
    record Scalar(String text, int line) {
    }
}
