package org.portcullis.policy;

import java.io.Reader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Stage;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a policy file into its rules, in evaluation order, or fails with the first mistake and
 * its line. The file has two sections: {@code groups} (named lists) and {@code rules}.
 */
final class PolicyParser {

    static final List<String> SECTIONS = List.of("groups", "rules");
    static final List<String> RULE_KEYS = List.of("name", "priority", "direction", "stage", "when", "then", "continue");
    static final int DEFAULT_PRIORITY = 100;

    private final YamlDoc doc;

    private PolicyParser(String file) {
        this.doc = new YamlDoc(file);
    }

    static List<Rule> parse(String file, Reader reader) throws PolicyException {
        return new PolicyParser(file).read(reader);
    }

    private List<Rule> read(Reader reader) throws PolicyException {
        Node root = doc.read(reader).orElseThrow(() -> new PolicyException(doc.file(), 0,
                "the policy is empty; it needs a 'rules:' list (rules: [] for a policy that only lets the "
                        + "filters' proposals stand)"));
        List<YamlDoc.Entry> sections = doc.entries(root, "the policy");
        doc.onlyKeys(sections, "a section of the policy", SECTIONS);
        Map<String, YamlDoc.Entry> byKey = byKey(sections);
        Groups groups = byKey.containsKey("groups") ? Groups.read(doc, byKey.get("groups").value()) : Groups.none(doc);
        YamlDoc.Entry rules = byKey.get("rules");
        if (rules == null) {
            throw doc.error(root, "the policy needs a 'rules:' list");
        }
        if (!YamlDoc.isSequence(rules.value()) && !YamlDoc.isNull(rules.value())) {
            throw doc.error(rules.value(), "'rules' is a list of rules, each starting with '- name: …'");
        }
        List<Rule> out = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        List<Node> items = YamlDoc.isNull(rules.value()) ? List.of() : YamlDoc.items(rules.value());
        for (Node item : items) {
            Rule rule = rule(item, groups, out.size());
            Integer earlier = names.putIfAbsent(rule.name(), rule.line());
            if (earlier != null) {
                throw doc.error(item, "there is already a rule named '" + rule.name() + "' (line " + earlier
                        + "); rule names must differ, as traces name rules by them");
            }
            out.add(rule);
        }
        out.sort(Comparator.comparingInt(Rule::priority).thenComparingInt(Rule::order));
        return List.copyOf(out);
    }

    private Rule rule(Node node, Groups groups, int order) throws PolicyException {
        List<YamlDoc.Entry> entries = doc.entries(node, "a rule");
        doc.onlyKeys(entries, "a key of a rule", RULE_KEYS);
        Map<String, YamlDoc.Entry> e = byKey(entries);
        if (!e.containsKey("name")) {
            throw doc.error(node, "a rule needs a name, e.g. - name: viruses are refused");
        }
        String name = doc.text(e.get("name").value(), "a rule's name is a text, e.g. name: viruses are refused")
                .strip();
        if (name.isEmpty()) {
            throw doc.error(e.get("name").value(), "a rule's name must not be empty");
        }
        Stage stage = e.containsKey("stage") ? stage(e.get("stage")) : Stage.END_OF_MESSAGE;
        Optional<Direction> direction = e.containsKey("direction") ? direction(e.get("direction"), stage)
                : Optional.empty();
        int priority = e.containsKey("priority") ? priority(e.get("priority")) : DEFAULT_PRIORITY;
        boolean continues = e.containsKey("continue") && doc.bool(e.get("continue").value(), "continue");
        Condition when = e.containsKey("when")
                ? new ConditionParser(doc, groups, stage).parse(e.get("when").value())
                : new Combination.Always();
        if (!e.containsKey("then")) {
            throw doc.error(node, "rule '" + name + "' needs 'then', the actions it takes, e.g. then: "
                    + "{ quarantine: \"held by policy\" }");
        }
        ActionParser.Then then = new ActionParser(doc, stage).parse(e.get("then").value());
        if (continues && then.verdict().isEmpty()) {
            throw doc.error(e.get("continue").keyNode(), "'continue' only matters for a rule that gives a verdict "
                    + "(" + String.join(", ", ActionParser.VERDICTS) + "); rule '" + name
                    + "' gives none, so evaluation goes on after it anyway");
        }
        if (then.stripNode() != null && !when.namesAttachments()) {
            throw doc.error(then.stripNode(), "'strip_attachment' takes out the attachments the rule's conditions "
                    + "name, and rule '" + name + "' names none: add a condition such as attachment.type");
        }
        return new Rule(name, YamlDoc.line(node), priority, order, stage, direction, when, then.verdict(),
                then.actions(), continues);
    }

    private Stage stage(YamlDoc.Entry e) throws PolicyException {
        String usage = "'stage' is one of connect, helo, mail_from, rcpt_to, headers, end_of_message";
        String text = doc.text(e.value(), usage);
        try {
            return Stage.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            throw doc.error(e.value(), "'" + text + "' is not a stage; " + usage);
        }
    }

    private Optional<Direction> direction(YamlDoc.Entry e, Stage stage) throws PolicyException {
        String usage = "'direction' is inbound, outbound or both";
        String text = doc.text(e.value(), usage).strip().toLowerCase(Locale.ROOT);
        Optional<Direction> direction = switch (text) {
            case "inbound" -> Optional.of(Direction.INBOUND);
            case "outbound" -> Optional.of(Direction.OUTBOUND);
            case "both" -> Optional.empty();
            default -> throw doc.error(e.value(), "'" + text + "' is not a direction; " + usage);
        };
        if (direction.isPresent() && stage.compareTo(Stage.RCPT_TO) < 0) {
            throw doc.error(e.value(), "the direction is known from RCPT_TO on (it is told by the recipients), "
                    + "so a rule for " + stage + " cannot be for " + text + " mail only; leave direction out");
        }
        return direction;
    }

    private int priority(YamlDoc.Entry e) throws PolicyException {
        String usage = "'priority' is a whole number; lower runs first, and rules without one have "
                + DEFAULT_PRIORITY;
        String text = doc.text(e.value(), usage).strip();
        if (!text.matches("-?\\d{1,9}")) {
            throw doc.error(e.value(), "'" + text + "' is not a whole number; " + usage);
        }
        return Integer.parseInt(text);
    }

    private static Map<String, YamlDoc.Entry> byKey(List<YamlDoc.Entry> entries) {
        Map<String, YamlDoc.Entry> out = new LinkedHashMap<>();
        entries.forEach(e -> out.put(e.key(), e));
        return out;
    }
}
