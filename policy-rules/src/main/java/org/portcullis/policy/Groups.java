package org.portcullis.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The named lists of a policy's {@code groups:} section, and the reading of any list a
 * condition takes, with {@code $name} standing for a group's entries. A group is plain text
 * until used: its entries are checked as what the condition using it takes (domains, networks,
 * media types), and an error names the entry's own line.
 */
final class Groups {

    /** One entry of a list, where it was written, and the group it came from (or null). */
    record Item(String text, Node node, String group) {
    }

    private final YamlDoc doc;
    private final Map<String, List<Item>> groups;

    private Groups(YamlDoc doc, Map<String, List<Item>> groups) {
        this.doc = doc;
        this.groups = groups;
    }

    static Groups none(YamlDoc doc) {
        return new Groups(doc, Map.of());
    }

    static Groups read(YamlDoc doc, Node section) throws PolicyException {
        Map<String, List<Item>> groups = new LinkedHashMap<>();
        for (YamlDoc.Entry e : doc.entries(section, "'groups'")) {
            if (!e.key().matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
                throw doc.error(e.keyNode(), "'" + e.key() + "' is not a group name: use letters, digits, '_', "
                        + "'-' and '.', e.g. partners");
            }
            if (!YamlDoc.isSequence(e.value())) {
                throw doc.error(e.value(), "group '" + e.key() + "' must be a list, e.g. "
                        + e.key() + ": [ example.com, .example.org ]");
            }
            List<Item> items = new ArrayList<>();
            for (Node n : YamlDoc.items(e.value())) {
                String text = doc.text(n, "group '" + e.key() + "' takes plain entries (text), not lists or sections");
                if (text.startsWith("$")) {
                    throw doc.error(n, "groups do not contain other groups ('" + text + "' in group '" + e.key()
                            + "'); list the entries themselves");
                }
                items.add(new Item(text, n, e.key()));
            }
            if (items.isEmpty()) {
                throw doc.error(e.value(), "group '" + e.key() + "' is empty");
            }
            groups.put(e.key(), List.copyOf(items));
        }
        return new Groups(doc, groups);
    }

    /**
     * The entries of a condition's value: one text, or a list, {@code $name} expanded.
     *
     * @param key the condition, for the errors
     */
    List<Item> items(Node value, String key, String example) throws PolicyException {
        List<Item> out = new ArrayList<>();
        for (Node n : YamlDoc.items(value)) {
            String text = doc.text(n, "'" + key + "' takes one entry or a list of entries, e.g. " + example);
            if (text.startsWith("$")) {
                List<Item> group = groups.get(text.substring(1));
                if (group == null) {
                    throw doc.error(n, "there is no group '" + text.substring(1) + "'; "
                            + (groups.isEmpty() ? "define it under groups: at the top of the file"
                            : "the groups are " + String.join(", ", groups.keySet())));
                }
                out.addAll(group);
            } else {
                out.add(new Item(text, n, null));
            }
        }
        if (out.isEmpty()) {
            throw doc.error(value, "'" + key + "' needs at least one entry, e.g. " + example);
        }
        return out;
    }

    /** The list as written, group names unexpanded, for the explanation: {@code [a, $b]}, or {@code a}. */
    static String written(Node value) {
        String items = YamlDoc.items(value).stream()
                .map(n -> n instanceof ScalarNode s ? s.getValue() : "?")
                .collect(Collectors.joining(", "));
        return YamlDoc.isSequence(value) ? "[" + items + "]" : items;
    }

    /** An error about an entry, saying which group it came from and where that group was used. */
    PolicyException error(Item item, Node use, String problem) {
        if (item.group() == null) {
            return doc.error(item.node(), problem);
        }
        return doc.error(item.node(), problem + " (in group '" + item.group() + "', used on line "
                + YamlDoc.line(use) + ")");
    }
}
