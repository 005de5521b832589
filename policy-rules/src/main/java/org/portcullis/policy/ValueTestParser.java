package org.portcullis.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the values conditions take: pattern lists, value tests ({@code { above: 5 }},
 * {@code { matches: invoice }}) and attachment tests.
 */
final class ValueTestParser {

    static final List<String> VALUE_KEYS = List.of("exists", "equals", "matches", "above", "below");
    static final List<String> ATTACHMENT_KEYS = List.of("type", "declared", "name", "disguised", "all", "any", "not");

    private static final Pattern MEDIA_TYPE = Pattern.compile("[A-Za-z0-9][\\w.+-]*/[A-Za-z0-9][\\w.+-]*");

    private final YamlDoc doc;
    private final Groups groups;

    ValueTestParser(YamlDoc doc, Groups groups) {
        this.doc = doc;
        this.groups = groups;
    }

    /** Exact entries, globs, {@code /regex/}; with {@code subdomains}, {@code .example.com} too. */
    PatternList patterns(Node value, String key, String example, boolean subdomains) throws PolicyException {
        List<NamePattern> out = new ArrayList<>();
        for (Groups.Item item : groups.items(value, key, example)) {
            try {
                out.add(NamePattern.parse(item.text(), subdomains));
            } catch (IllegalArgumentException e) {
                throw groups.error(item, value, e.getMessage());
            }
        }
        return new PatternList(out, Groups.written(value));
    }

    /** {@code spam.score}: above, below, equals, with numbers. */
    ValueTest score(Node value, String key) throws PolicyException {
        String usage = "'" + key + "' takes above/below/equals with a number, e.g. { above: 5 }";
        if (!YamlDoc.isMapping(value)) {
            throw doc.error(value, usage);
        }
        List<YamlDoc.Entry> entries = doc.entries(value, "'" + key + "'");
        if (entries.isEmpty()) {
            throw doc.error(value, usage);
        }
        for (YamlDoc.Entry e : entries) {
            if (!List.of("above", "below", "equals").contains(e.key())) {
                throw doc.error(e.keyNode(), usage);
            }
            if (e.key().equals("equals")) {
                number(e, usage);
            }
        }
        return valueTest(value, key, usage);
    }

    /** A test of a header's or a finding's value. */
    ValueTest valueTest(Node value, String key) throws PolicyException {
        String usage = "'" + key + "' takes a test: { exists: true }, { exists: false }, { equals: TEXT }, "
                + "{ matches: REGEX }, { above: NUMBER }, { below: NUMBER }";
        return valueTest(value, key, usage);
    }

    private ValueTest valueTest(Node value, String key, String usage) throws PolicyException {
        if (!YamlDoc.isMapping(value)) {
            throw doc.error(value, usage);
        }
        List<YamlDoc.Entry> entries = doc.entries(value, "'" + key + "'");
        if (entries.isEmpty()) {
            throw doc.error(value, usage);
        }
        doc.onlyKeys(entries, "a test of '" + key + "'", VALUE_KEYS);
        Optional<String> equals = Optional.empty();
        Optional<Pattern> matches = Optional.empty();
        OptionalDouble above = OptionalDouble.empty();
        OptionalDouble below = OptionalDouble.empty();
        for (YamlDoc.Entry e : entries) {
            switch (e.key()) {
                case "exists" -> {
                    if (!doc.bool(e.value(), "exists")) {
                        if (entries.size() > 1) {
                            throw doc.error(e.keyNode(), "'exists: false' stands alone: it holds when there is no "
                                    + "value at all, so there is nothing else to test");
                        }
                        return ValueTest.missing();
                    }
                }
                case "equals" -> equals = Optional.of(doc.text(e.value(), usage));
                case "matches" -> matches = Optional.of(regex(e, usage));
                case "above" -> above = OptionalDouble.of(number(e, usage));
                case "below" -> below = OptionalDouble.of(number(e, usage));
                default -> throw new IllegalStateException("checked by onlyKeys: " + e.key());
            }
        }
        if (above.isPresent() && below.isPresent() && below.getAsDouble() <= above.getAsDouble()) {
            throw doc.error(value, "nothing is above " + Values.number(above.getAsDouble()) + " and below "
                    + Values.number(below.getAsDouble()) + ", so this can never match");
        }
        return new ValueTest(false, equals, matches, above, below);
    }

    /** An {@code attachment:} section: tests that must hold for one and the same attachment. */
    AttachmentTest attachment(Node value) throws PolicyException {
        if (!YamlDoc.isMapping(value)) {
            throw doc.error(value, "'attachment' takes tests of one attachment, e.g. "
                    + "{ type: application/x-dosexec, name: \"*.pdf\" }");
        }
        List<YamlDoc.Entry> entries = doc.entries(value, "'attachment'");
        if (entries.isEmpty()) {
            throw doc.error(value, "'attachment' needs at least one of " + String.join(", ", ATTACHMENT_KEYS));
        }
        doc.onlyKeys(entries, "a test of an attachment", ATTACHMENT_KEYS);
        List<AttachmentTest> tests = new ArrayList<>();
        for (YamlDoc.Entry e : entries) {
            tests.add(attachmentTest(e.key(), e.value()));
        }
        return tests.size() == 1 ? tests.getFirst() : new AttachmentTest.All(tests);
    }

    AttachmentTest attachmentTest(String key, Node value) throws PolicyException {
        return switch (key) {
            case "type" -> new AttachmentTest.TypeIn(mediaTypes(value, "attachment.type"));
            case "declared" -> new AttachmentTest.DeclaredIn(mediaTypes(value, "attachment.declared"));
            case "name" -> new AttachmentTest.NameIn(patterns(value, "attachment.name", "[ \"*.exe\", \"*.scr\" ]",
                    false));
            case "disguised" -> new AttachmentTest.Disguised(doc.bool(value, "attachment.disguised"));
            case "all", "any" -> {
                if (!YamlDoc.isSequence(value) || YamlDoc.items(value).isEmpty()) {
                    throw doc.error(value, "'" + key + "' inside 'attachment' takes a list of attachment tests, "
                            + "e.g. [ { type: \"application/x-*\" }, { name: \"*.exe\" } ]");
                }
                List<AttachmentTest> tests = new ArrayList<>();
                for (Node n : YamlDoc.items(value)) {
                    tests.add(attachment(n));
                }
                yield key.equals("all") ? new AttachmentTest.All(tests) : new AttachmentTest.Any(tests);
            }
            case "not" -> new AttachmentTest.Not(attachment(value));
            default -> throw new IllegalStateException("not an attachment test: " + key);
        };
    }

    private PatternList mediaTypes(Node value, String key) throws PolicyException {
        List<NamePattern> out = new ArrayList<>();
        for (Groups.Item item : groups.items(value, key, "[ application/x-msdownload, \"application/x-*\" ]")) {
            try {
                NamePattern p = NamePattern.parse(item.text(), false);
                if (p instanceof NamePattern.Exact && !MEDIA_TYPE.matcher(item.text()).matches()) {
                    throw new IllegalArgumentException("'" + item.text() + "' is not a media type such as "
                            + "application/pdf (or a glob such as application/x-*)");
                }
                out.add(p);
            } catch (IllegalArgumentException e) {
                throw groups.error(item, value, e.getMessage());
            }
        }
        return new PatternList(out, Groups.written(value));
    }

    private Pattern regex(YamlDoc.Entry e, String usage) throws PolicyException {
        String text = doc.text(e.value(), usage);
        String expression = text.length() >= 2 && text.startsWith("/") && text.endsWith("/")
                ? text.substring(1, text.length() - 1) : text;
        try {
            return NamePattern.regex(expression);
        } catch (IllegalArgumentException ex) {
            throw doc.error(e.value(), ex.getMessage());
        }
    }

    private double number(YamlDoc.Entry e, String usage) throws PolicyException {
        String text = doc.text(e.value(), usage);
        OptionalDouble n = Values.parse(text);
        if (n.isEmpty()) {
            throw doc.error(e.value(), "'" + text + "' is not a number; " + usage);
        }
        return n.getAsDouble();
    }
}
