package org.portcullis.policy;

import java.io.Reader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The policy file as YAML nodes, read with their lines so that every error can say where.
 * Only the node tree is used, never SnakeYAML's object construction: scalars stay the text the
 * admin wrote ({@code on} is not turned into {@code true} behind their back), and no tag can
 * make the loader build an object.
 */
final class YamlDoc {

    /** One key of a mapping with its value. */
    record Entry(String key, Node keyNode, Node value) {
    }

    private final String file;

    YamlDoc(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    /** The document's root node, or empty for an empty file. */
    Optional<Node> read(Reader reader) throws PolicyException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setAllowRecursiveKeys(false);
        try {
            return Optional.ofNullable(new Yaml(options).compose(reader));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new PolicyException(file, line, "this is not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new PolicyException(file, 0, "this is not valid YAML: " + e.getMessage());
        }
    }

    static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    PolicyException error(Node node, String problem) {
        return new PolicyException(file, line(node), problem);
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    /**
     * The entries of a mapping, in order; each key once.
     *
     * @param what what the mapping is, for the error, e.g. {@code a rule}
     */
    List<Entry> entries(Node node, String what) throws PolicyException {
        if (!(node instanceof MappingNode mapping)) {
            throw error(node, what + " must be a mapping of keys to values");
        }
        List<Entry> out = new ArrayList<>();
        Map<String, Node> seen = new HashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw error(t.getKeyNode(), "keys must be plain words");
            }
            Node earlier = seen.putIfAbsent(k.getValue(), k);
            if (earlier != null) {
                throw error(k, "'" + k.getValue() + "' is given twice (first on line " + line(earlier) + ")");
            }
            out.add(new Entry(k.getValue(), k, t.getValueNode()));
        }
        return out;
    }

    /** Rejects the first key not among {@code allowed}, suggesting the nearest. */
    void onlyKeys(List<Entry> entries, String what, Collection<String> allowed) throws PolicyException {
        for (Entry e : entries) {
            if (!allowed.contains(e.key())) {
                throw error(e.keyNode(), unknown(e.key(), what, allowed));
            }
        }
    }

    static String unknown(String word, String what, Collection<String> allowed) {
        String near = nearest(word, allowed).map(n -> "; did you mean '" + n + "'?").orElse("");
        return "'" + word + "' is not " + what + near + " (allowed: " + String.join(", ", allowed) + ")";
    }

    /** The text of a scalar; {@code what} names it for the error, with an example. */
    String text(Node node, String what) throws PolicyException {
        if (!(node instanceof ScalarNode s) || isNull(node)) {
            throw error(node, what);
        }
        return s.getValue();
    }

    /** A scalar's items: the scalar itself, or each item of a list. */
    static List<Node> items(Node node) {
        return node instanceof SequenceNode seq ? seq.getValue() : List.of(node);
    }

    static boolean isScalar(Node node) {
        return node instanceof ScalarNode && !isNull(node);
    }

    static boolean isMapping(Node node) {
        return node instanceof MappingNode;
    }

    static boolean isSequence(Node node) {
        return node instanceof SequenceNode;
    }

    /** {@code true}/{@code false}, {@code yes}/{@code no} or {@code on}/{@code off}. */
    boolean bool(Node node, String key) throws PolicyException {
        String t = isScalar(node) ? ((ScalarNode) node).getValue().toLowerCase(Locale.ROOT) : "";
        return switch (t) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(node, "'" + key + "' takes true or false (or on/off, yes/no)");
        };
    }

    /** The nearest word within two edits, for "did you mean". */
    static Optional<String> nearest(String word, Collection<String> words) {
        String best = null;
        int bestDistance = 3;
        for (String w : words) {
            int d = distance(word.toLowerCase(Locale.ROOT), w.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = w;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
