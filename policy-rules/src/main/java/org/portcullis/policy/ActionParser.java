package org.portcullis.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.portcullis.filter.Address;
import org.portcullis.filter.Stage;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a rule's {@code then}: one action or a list of them, each a bare word
 * ({@code discard}) or a one-key mapping ({@code { reject: "554 5.7.1 Virus found: {virus}" }}).
 * At most one verdict per rule; actions that change the message only at END_OF_MESSAGE, the one
 * stage whose changes the gateway applies.
 */
final class ActionParser {

    static final List<String> VERDICTS = List.of("accept", "reject", "tempfail", "discard", "quarantine");
    static final List<String> ACTIONS = List.of("tag_subject", "add_header", "strip_attachment", "append_disclaimer",
            "copy_to_archive", "bcc", "redirect", "route");

    private static final Pattern CODE = Pattern.compile("(\\d{3})(?:[ -]+|$)");
    private static final Pattern LEADING_ENHANCED = Pattern.compile("(\\d\\.\\d{1,3}\\.\\d{1,3})(?:\\s+|$)");
    private static final Pattern ENHANCED = Pattern.compile("\\d\\.\\d{1,3}\\.\\d{1,3}");
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]*";

    /** The verdict and actions of one rule, as written. */
    record Then(Optional<VerdictSpec> verdict, List<ActionSpec> actions, Node stripNode) {
    }

    private final YamlDoc doc;
    private final Stage stage;

    ActionParser(YamlDoc doc, Stage stage) {
        this.doc = doc;
        this.stage = stage;
    }

    Then parse(Node then) throws PolicyException {
        VerdictSpec verdict = null;
        Node verdictNode = null;
        Node stripNode = null;
        List<ActionSpec> actions = new ArrayList<>();
        List<Node> items = YamlDoc.items(then);
        if (items.isEmpty()) {
            throw doc.error(then, "'then' needs at least one action, e.g. then: { reject: \"Virus found: {virus}\" }");
        }
        for (Node item : items) {
            Node wordNode = item;
            Node argument = null;
            if (YamlDoc.isMapping(item)) {
                List<YamlDoc.Entry> entries = doc.entries(item, "an action");
                if (entries.size() != 1) {
                    throw doc.error(item, "write one action per entry; list several as then: [ { tag_subject: "
                            + "\"[SPAM]\" }, { add_header: \"X-Spam-Flag: YES\" } ]");
                }
                wordNode = entries.getFirst().keyNode();
                argument = YamlDoc.isNull(entries.getFirst().value()) ? null : entries.getFirst().value();
            } else if (!YamlDoc.isScalar(item)) {
                throw doc.error(item, "an action is a word such as discard, or a mapping such as "
                        + "{ quarantine: \"reason\" }");
            }
            String word = doc.text(wordNode, "an action");
            if (VERDICTS.contains(word)) {
                if (verdict != null) {
                    throw doc.error(wordNode, "a rule gives one verdict, and this one already says "
                            + verdict.word() + " (line " + YamlDoc.line(verdictNode) + ")");
                }
                verdict = verdict(word, wordNode, argument);
                verdictNode = wordNode;
            } else if (ACTIONS.contains(word)) {
                if (stage != Stage.END_OF_MESSAGE) {
                    throw doc.error(wordNode, "'" + word + "' changes the message, which the gateway does only at "
                            + "END_OF_MESSAGE; this rule is for " + stage);
                }
                if (word.equals("strip_attachment")) {
                    stripNode = wordNode;
                }
                actions.add(action(word, wordNode, argument));
            } else {
                List<String> all = new ArrayList<>(VERDICTS);
                all.addAll(ACTIONS);
                throw doc.error(wordNode, YamlDoc.unknown(word, "an action", all));
            }
        }
        return new Then(Optional.ofNullable(verdict), actions, stripNode);
    }

    private VerdictSpec verdict(String word, Node wordNode, Node argument) throws PolicyException {
        if ((word.equals("quarantine") || word.equals("discard"))
                && stage.compareTo(Stage.MAIL_FROM) < 0) {
            throw doc.error(wordNode, "'" + word + "' is for a message, and at " + stage + " there is none yet; "
                    + "at " + stage + " a rule can accept, reject or tempfail");
        }
        return switch (word) {
            case "accept", "discard" -> {
                if (argument != null) {
                    throw doc.error(argument, "'" + word + "' takes nothing; write it as a bare word: then: " + word);
                }
                yield word.equals("accept") ? new VerdictSpec.Accept() : new VerdictSpec.Discard();
            }
            case "reject" -> reply(word, wordNode, argument, 5, 550, "Refused by policy");
            case "tempfail" -> reply(word, wordNode, argument, 4, 451, "Try again later");
            case "quarantine" -> new VerdictSpec.Quarantine(template(wordNode, argument,
                    "held by policy rule '{rule}'", Template.Use.TEXT, word));
            default -> throw new IllegalStateException("not a verdict: " + word);
        };
    }

    /** {@code "554 5.7.1 text"}, {@code "text"}, or {@code { code, enhanced_code, text }}. */
    private VerdictSpec reply(String word, Node wordNode, Node argument, int digit, int defaultCode, String defaultText)
            throws PolicyException {
        int code = defaultCode;
        String enhanced = null;
        String text = defaultText;
        Node where = argument;
        if (argument != null && YamlDoc.isMapping(argument)) {
            List<YamlDoc.Entry> entries = doc.entries(argument, "'" + word + "'");
            doc.onlyKeys(entries, "part of '" + word + "'", List.of("code", "enhanced_code", "text"));
            for (YamlDoc.Entry e : entries) {
                String value = doc.text(e.value(), "'" + e.key() + "' of '" + word + "' takes one value");
                switch (e.key()) {
                    case "code" -> {
                        if (!value.matches("\\d{3}")) {
                            throw doc.error(e.value(), "'" + value + "' is not a reply code such as " + defaultCode);
                        }
                        code = Integer.parseInt(value);
                        where = e.value();
                    }
                    case "enhanced_code" -> enhanced = value;
                    default -> text = value;
                }
            }
        } else if (argument != null) {
            String given = doc.text(argument, "'" + word + "' takes a reply text, e.g. \"" + defaultCode + " "
                    + digit + ".7.1 " + defaultText + "\"");
            String rest = given.strip();
            Matcher c = CODE.matcher(rest);
            if (c.lookingAt()) {
                code = Integer.parseInt(c.group(1));
                rest = rest.substring(c.end());
            }
            Matcher e = LEADING_ENHANCED.matcher(rest);
            if (e.lookingAt()) {
                enhanced = e.group(1);
                rest = rest.substring(e.end());
            }
            text = rest.isBlank() ? defaultText : rest;
        }
        Node at = where == null ? wordNode : where;
        if (code / 100 != digit || code % 100 > 59) {
            String other = digit == 5 ? "tempfail" : "reject";
            throw doc.error(at, "'" + word + "' takes a " + digit + "xx reply code, not " + code
                    + (code / 100 == 9 - digit ? "; a " + (9 - digit) + "xx refusal is a " + other : ""));
        }
        if (enhanced == null) {
            enhanced = digit + ".7.1";
        } else if (!ENHANCED.matcher(enhanced).matches() || enhanced.charAt(0) != (char) ('0' + digit)) {
            throw doc.error(at, "the enhanced status code '" + enhanced + "' does not go with " + code
                    + ": a " + digit + "xx reply takes " + digit + ".x.y, e.g. " + digit + ".7.1");
        }
        Template t = checkedTemplate(text, Template.Use.REPLY, word, at);
        return digit == 5 ? new VerdictSpec.Reject(code, enhanced, t) : new VerdictSpec.Tempfail(code, enhanced, t);
    }

    private ActionSpec action(String word, Node wordNode, Node argument) throws PolicyException {
        return switch (word) {
            case "tag_subject" -> new ActionSpec.TagSubject(template(wordNode,
                    required(word, wordNode, argument, "\"[SPAM]\""), null, Template.Use.HEADER, word));
            case "add_header" -> addHeader(required(word, wordNode, argument, "\"X-Spam-Flag: YES\""));
            case "strip_attachment" -> new ActionSpec.StripAttachments(template(wordNode, argument,
                    "An attachment was removed from this message by the mail gateway's policy.",
                    Template.Use.TEXT, word));
            case "append_disclaimer" -> new ActionSpec.AppendDisclaimer(template(wordNode,
                    required(word, wordNode, argument, "\"This message is confidential.\""), null,
                    Template.Use.TEXT, word));
            case "copy_to_archive" -> new ActionSpec.CopyToArchive(name(word, required(word, wordNode, argument,
                    "compliance")), YamlDoc.line(wordNode));
            case "route" -> new ActionSpec.Route(name(word, required(word, wordNode, argument, "internal")),
                    YamlDoc.line(wordNode));
            case "bcc" -> new ActionSpec.Bcc(address(word, required(word, wordNode, argument, "audit@example.com")));
            case "redirect" -> {
                Node list = required(word, wordNode, argument, "[ abuse@example.com ]");
                List<Address> to = new ArrayList<>();
                for (Node n : YamlDoc.items(list)) {
                    to.add(address(word, n));
                }
                if (to.isEmpty()) {
                    throw doc.error(list, "'redirect' needs at least one address");
                }
                yield new ActionSpec.Redirect(to);
            }
            default -> throw new IllegalStateException("not an action: " + word);
        };
    }

    private ActionSpec addHeader(Node argument) throws PolicyException {
        String field = doc.text(argument, "'add_header' takes \"Name: value\", e.g. \"X-Spam-Flag: YES\"");
        int colon = field.indexOf(':');
        String name = colon < 0 ? "" : field.substring(0, colon);
        if (name.isEmpty() || !name.chars().allMatch(c -> c > ' ' && c <= '~')) {
            throw doc.error(argument, "'" + field + "' is not a header field: write \"Name: value\", the name in "
                    + "printable ASCII without spaces, e.g. \"X-Spam-Flag: YES\"");
        }
        return new ActionSpec.AddHeader(name, checkedTemplate(field.substring(colon + 1).strip(), Template.Use.HEADER,
                "add_header", argument));
    }

    private Node required(String word, Node wordNode, Node argument, String example) throws PolicyException {
        if (argument == null) {
            throw doc.error(wordNode, "'" + word + "' needs a value, e.g. { " + word + ": " + example + " }");
        }
        return argument;
    }

    private String name(String word, Node argument) throws PolicyException {
        String name = doc.text(argument, "'" + word + "' takes a name");
        if (!name.matches(NAME)) {
            throw doc.error(argument, "'" + name + "' is not a name for '" + word + "': letters, digits, '.', '_', "
                    + "'-', as the gateway's configuration names it");
        }
        return name;
    }

    private Address address(String word, Node node) throws PolicyException {
        String text = doc.text(node, "'" + word + "' takes addresses such as audit@example.com");
        try {
            Address a = Address.parse(text);
            if (!a.isNull()) {
                return a;
            }
        } catch (IllegalArgumentException e) {
            // reported below, with the same words as the null address
        }
        throw doc.error(node, "'" + text + "' is not an address such as audit@example.com");
    }

    private Template template(Node wordNode, Node argument, String fallback, Template.Use use, String word)
            throws PolicyException {
        String text = argument == null ? fallback
                : doc.text(argument, "'" + word + "' takes a text");
        if (text.isEmpty() && fallback == null) {
            throw doc.error(argument, "'" + word + "' needs a text that is not empty");
        }
        return checkedTemplate(text, use, word, argument == null ? wordNode : argument);
    }

    private Template checkedTemplate(String text, Template.Use use, String word, Node at) throws PolicyException {
        Template t;
        try {
            t = Template.parse(text, use);
        } catch (IllegalArgumentException e) {
            throw doc.error(at, "in '" + word + "': " + e.getMessage());
        }
        Optional<String> late = t.unavailableAt(stage);
        if (late.isPresent()) {
            throw doc.error(at, "in '" + word + "': " + late.get() + ", and this rule is for " + stage);
        }
        return t;
    }
}
