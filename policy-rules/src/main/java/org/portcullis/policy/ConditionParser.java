package org.portcullis.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.portcullis.filter.Stage;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a rule's {@code when}: a mapping whose entries must all hold, each a condition key
 * with its value; {@code all}, {@code any} and {@code not} combine. Every condition is checked
 * against the rule's stage: one whose facts are not known yet at that stage could never match,
 * and is an error rather than a rule that silently does nothing.
 */
final class ConditionParser {

    static final List<String> KEYS = List.of("all", "any", "not", "sender", "sender.domain", "recipient",
            "recipient.domain", "client.network", "client.user", "client.tls", "client.trusted", "client.helo",
            "client.name", "size", "header.NAME", "finding", "finding.NAME", "virus", "spam.score", "dlp.match",
            "attachment", "attachment.type", "attachment.declared", "attachment.name", "attachment.disguised");

    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*([kmg]?)b?", Pattern.CASE_INSENSITIVE);
    private static final String FINDING_NAME = "[A-Za-z0-9][A-Za-z0-9_.-]*";

    private final YamlDoc doc;
    private final Groups groups;
    private final Stage stage;
    private final ValueTestParser values;

    ConditionParser(YamlDoc doc, Groups groups, Stage stage) {
        this.doc = doc;
        this.groups = groups;
        this.stage = stage;
        this.values = new ValueTestParser(doc, groups);
    }

    /** A mapping of conditions, all of which must hold. */
    Condition parse(Node node) throws PolicyException {
        if (!YamlDoc.isMapping(node)) {
            throw doc.error(node, "conditions are a mapping, e.g. when: { spam.score: { above: 5 } }");
        }
        List<YamlDoc.Entry> entries = doc.entries(node, "conditions");
        if (entries.isEmpty()) {
            throw doc.error(node, "an empty condition; leave 'when' out for a rule that always matches");
        }
        List<Condition> all = new ArrayList<>();
        for (YamlDoc.Entry e : entries) {
            all.add(entry(e));
        }
        return all.size() == 1 ? all.getFirst() : new Combination.All(all);
    }

    private Condition entry(YamlDoc.Entry e) throws PolicyException {
        String key = e.key();
        Node v = e.value();
        requireKnownAt(e);
        return switch (key) {
            case "all" -> new Combination.All(list(e));
            case "any" -> new Combination.Any(list(e));
            case "not" -> new Combination.Not(parse(v));
            case "sender", "sender.domain" ->
                    new EnvelopeCondition.SenderIs(key, addresses(e, key.endsWith(".domain")));
            case "recipient", "recipient.domain" ->
                    new EnvelopeCondition.RecipientIs(key, addresses(e, key.endsWith(".domain")));
            case "client.network" -> networks(e);
            case "client.user" -> user(e);
            case "client.tls" -> new ClientCondition.TlsIs(doc.bool(v, key));
            case "client.trusted" -> new ClientCondition.TrustedIs(doc.bool(v, key));
            case "client.helo" -> new ClientCondition.NameIs(ClientCondition.NameIs.Which.HELO,
                    values.patterns(v, key, "[ mail.example.com, .example.com ]", true));
            case "client.name" -> new ClientCondition.NameIs(ClientCondition.NameIs.Which.REVERSE,
                    values.patterns(v, key, "[ .example.com, \"*.dynamic.example.net\" ]", true));
            case "size" -> size(e);
            case "finding" -> findingNames(e);
            case "virus" -> new FindingCondition.VirusIs(anyOr(v, key, "[ \"Eicar-*\", /^Win\\.Trojan/ ]"));
            case "dlp.match" -> new FindingCondition.DlpIs(anyOr(v, key, "[ credit-card, iban ]"));
            case "spam.score" -> new FindingCondition.FindingValue(key, key, values.score(v, key));
            case "attachment" -> new FindingCondition.AttachmentIs(values.attachment(v));
            case "attachment.type", "attachment.declared", "attachment.name", "attachment.disguised" ->
                    new FindingCondition.AttachmentIs(values.attachmentTest(key.substring("attachment.".length()), v));
            default -> dotted(e);
        };
    }

    private Condition dotted(YamlDoc.Entry e) throws PolicyException {
        String key = e.key();
        if (key.startsWith("header.") && key.length() > "header.".length()) {
            String field = key.substring("header.".length());
            if (!field.chars().allMatch(c -> c > ' ' && c <= '~' && c != ':')) {
                throw doc.error(e.keyNode(), "'" + field + "' is not a header field name");
            }
            return new MessageCondition.HeaderIs(field, values.valueTest(e.value(), key));
        }
        if (key.startsWith("finding.") && key.length() > "finding.".length()) {
            String name = key.substring("finding.".length());
            if (!name.matches(FINDING_NAME)) {
                throw doc.error(e.keyNode(), "'" + name + "' is not a finding name: letters, digits, '.', '_', '-'");
            }
            return new FindingCondition.FindingValue(key, name, values.valueTest(e.value(), key));
        }
        throw doc.error(e.keyNode(), YamlDoc.unknown(key, "a condition", KEYS));
    }

    private List<Condition> list(YamlDoc.Entry e) throws PolicyException {
        if (!YamlDoc.isSequence(e.value()) || YamlDoc.items(e.value()).isEmpty()) {
            throw doc.error(e.value(), "'" + e.key() + "' takes a list of conditions, e.g. "
                    + e.key() + ": [ { finding: virus }, { spam.score: { above: 10 } } ]");
        }
        List<Condition> out = new ArrayList<>();
        for (Node n : YamlDoc.items(e.value())) {
            out.add(parse(n));
        }
        return out;
    }

    private AddressList addresses(YamlDoc.Entry e, boolean domainsOnly) throws PolicyException {
        String example = domainsOnly ? "[ example.com, .example.com ]" : "[ alice@example.com, example.org, <> ]";
        List<AddressPattern> out = new ArrayList<>();
        for (Groups.Item item : groups.items(e.value(), e.key(), example)) {
            out.add(checked(item, e.value(), text -> AddressPattern.parse(text, domainsOnly)));
        }
        return new AddressList(out, Groups.written(e.value()));
    }

    private Condition networks(YamlDoc.Entry e) throws PolicyException {
        List<Network> out = new ArrayList<>();
        for (Groups.Item item : groups.items(e.value(), e.key(), "[ 192.0.2.0/24, \"2001:db8::/32\" ]")) {
            out.add(checked(item, e.value(), Network::parse));
        }
        return new ClientCondition.NetworkIs(out, Groups.written(e.value()));
    }

    private Condition user(YamlDoc.Entry e) throws PolicyException {
        Node v = e.value();
        if (YamlDoc.isScalar(v)) {
            String word = doc.text(v, "").toLowerCase(Locale.ROOT);
            if (word.equals("any") || word.equals("none")) {
                return new ClientCondition.UserIs(word.equals("any") ? ClientCondition.UserIs.Mode.ANY
                        : ClientCondition.UserIs.Mode.NONE, new PatternList(List.of(), word));
            }
        }
        return new ClientCondition.UserIs(ClientCondition.UserIs.Mode.LISTED,
                values.patterns(v, e.key(), "any, none, or [ alice, \"*@example.com\" ]", false));
    }

    private Condition size(YamlDoc.Entry e) throws PolicyException {
        String usage = "'size' takes above and/or below with a size, e.g. { above: 10m } (k, m, g: 1024, 1024², "
                + "1024³ bytes)";
        if (!YamlDoc.isMapping(e.value())) {
            throw doc.error(e.value(), usage);
        }
        long above = -1;
        long below = -1;
        List<String> written = new ArrayList<>();
        List<YamlDoc.Entry> limits = doc.entries(e.value(), "'size'");
        if (limits.isEmpty()) {
            throw doc.error(e.value(), usage);
        }
        for (YamlDoc.Entry limit : limits) {
            if (!limit.key().equals("above") && !limit.key().equals("below")) {
                throw doc.error(limit.keyNode(), usage);
            }
            String text = doc.text(limit.value(), usage);
            Matcher m = SIZE.matcher(text.strip());
            if (!m.matches()) {
                throw doc.error(limit.value(), "'" + text + "' is not a size; " + usage);
            }
            long bytes = Long.parseLong(m.group(1)) << switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                default -> 0;
            };
            if (limit.key().equals("above")) {
                above = bytes;
            } else {
                below = bytes;
            }
            written.add(limit.key() + " " + text.strip());
        }
        if (above >= 0 && below >= 0 && below <= above + 1) {
            throw doc.error(e.value(), "no size is " + String.join(" and ", written) + ", so this can never match");
        }
        return new MessageCondition.SizeIs(above, below, String.join(" and ", written));
    }

    private Condition findingNames(YamlDoc.Entry e) throws PolicyException {
        List<String> names = new ArrayList<>();
        for (Node n : YamlDoc.items(e.value())) {
            String name = doc.text(n, "'finding' takes a finding name or a list of them, e.g. finding: virus");
            if (!name.matches(FINDING_NAME)) {
                throw doc.error(n, "'" + name + "' is not a finding name: letters, digits, '.', '_', '-', "
                        + "e.g. virus or subject.match");
            }
            names.add(name);
        }
        if (names.isEmpty()) {
            throw doc.error(e.value(), "'finding' takes a finding name or a list of them, e.g. finding: virus");
        }
        return new FindingCondition.FindingExists(names);
    }

    /** {@code any}, or a list of patterns. */
    private Optional<PatternList> anyOr(Node v, String key, String example) throws PolicyException {
        if (YamlDoc.isScalar(v) && doc.text(v, "").equalsIgnoreCase("any")) {
            return Optional.empty();
        }
        return Optional.of(values.patterns(v, key, "any, or " + example, false));
    }

    private <T> T checked(Groups.Item item, Node use, Function<String, T> parse) throws PolicyException {
        try {
            return parse.apply(item.text());
        } catch (IllegalArgumentException ex) {
            throw groups.error(item, use, ex.getMessage());
        }
    }

    private void requireKnownAt(YamlDoc.Entry e) throws PolicyException {
        Stage from = knownFrom(e.key());
        if (from.compareTo(stage) > 0) {
            throw doc.error(e.keyNode(), "'" + e.key() + "' is not known at " + stage + " (it is known from " + from
                    + " on), so this rule could never match; give the rule a later stage, or leave stage out "
                    + "for END_OF_MESSAGE");
        }
    }

    /** The first stage at which a condition's facts are known (see docs/policy.md). */
    static Stage knownFrom(String key) {
        if (key.startsWith("header.")) {
            return Stage.HEADERS;
        }
        if (key.startsWith("attachment.")) {
            return Stage.END_OF_MESSAGE;
        }
        return switch (key) {
            case "client.helo" -> Stage.HELO;
            case "client.user", "sender", "sender.domain", "size" -> Stage.MAIL_FROM;
            case "recipient", "recipient.domain" -> Stage.RCPT_TO;
            case "virus", "spam.score", "dlp.match", "attachment" -> Stage.END_OF_MESSAGE;
            default -> Stage.CONNECT;
        };
    }
}
