package org.portcullis.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.portcullis.filter.Address;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Stage;

/**
 * A text with placeholders such as {@code Virus found: {virus}}, checked at load and filled in
 * when a rule matches. {@code {{} and {@code }}} are literal braces. Values that come from the
 * message are made safe for where they go: an SMTP reply or a header gets printable ASCII on one
 * line, other texts lose control characters; each value is cut at 200 characters, because the
 * sender controls it.
 */
final class Template {

    /** Where the text goes, which decides what a filled-in value may contain. */
    enum Use { REPLY, HEADER, TEXT }

    private static final int MAX_VALUE = 200;
    private static final String UNKNOWN = "unknown";

    private record Placeholder(Stage from, Function<Context, String> value) {
    }

    /** What a placeholder is filled from: the input, the rule, the attachments that matched. */
    record Context(PolicyInput input, String rule, List<Finding.ContentType> attachments) {
    }

    private static final Map<String, Placeholder> FIXED = Map.ofEntries(
            Map.entry("rule", new Placeholder(Stage.CONNECT, Context::rule)),
            Map.entry("stage", new Placeholder(Stage.CONNECT, c -> c.input().stage().name())),
            Map.entry("client.address", new Placeholder(Stage.CONNECT,
                    c -> c.input().connection().address().getHostAddress())),
            Map.entry("client.name", new Placeholder(Stage.CONNECT,
                    c -> c.input().connection().reverseName().orElse(UNKNOWN))),
            Map.entry("client.helo", new Placeholder(Stage.HELO, c -> c.input().connection().helo().orElse(UNKNOWN))),
            Map.entry("client.user", new Placeholder(Stage.MAIL_FROM,
                    c -> c.input().connection().authUser().orElse(UNKNOWN))),
            Map.entry("queue_id", new Placeholder(Stage.MAIL_FROM,
                    c -> c.input().envelopeIfAny().map(Envelope::queueId).orElse(UNKNOWN))),
            Map.entry("sender", new Placeholder(Stage.MAIL_FROM, c -> c.input().envelopeIfAny()
                    .map(e -> e.sender().isNull() ? "<>" : e.sender().toString()).orElse(UNKNOWN))),
            Map.entry("recipient", new Placeholder(Stage.RCPT_TO, c -> join(c.input().recipientsInScope().stream()
                    .map(r -> r.address()).map(Address::toString)))),
            Map.entry("size", new Placeholder(Stage.MAIL_FROM,
                    c -> c.input().judgedSize().map(String::valueOf).orElse(UNKNOWN))),
            Map.entry("virus", new Placeholder(Stage.END_OF_MESSAGE, c -> join(c.input().findings()
                    .filter(f -> f instanceof Finding.Virus).map(Values::text)))),
            Map.entry("spam.score", new Placeholder(Stage.END_OF_MESSAGE, Template::spamScore)),
            Map.entry("attachment.type", new Placeholder(Stage.END_OF_MESSAGE,
                    c -> join(attachments(c).map(a -> Values.baseType(a.detected()))))),
            Map.entry("attachment.name", new Placeholder(Stage.END_OF_MESSAGE,
                    c -> join(attachments(c).map(Finding.ContentType::filename).filter(n -> !n.isEmpty())))),
            Map.entry("dlp.match", new Placeholder(Stage.END_OF_MESSAGE, c -> join(c.input().findings()
                    .filter(f -> f instanceof Finding.DataMatch).map(Values::text)))));

    static final String KNOWN = "{sender}, {recipient}, {queue_id}, {size}, {client.address}, {client.name}, "
            + "{client.helo}, {client.user}, {rule}, {stage}, {virus}, {spam.score}, {attachment.type}, "
            + "{attachment.name}, {dlp.match}, {header.NAME}, {finding.NAME}";

    private final String source;
    private final List<Object> parts;
    private final Use use;

    private Template(String source, List<Object> parts, Use use) {
        this.source = source;
        this.parts = List.copyOf(parts);
        this.use = use;
    }

    String source() {
        return source;
    }

    /** @throws IllegalArgumentException saying what is wrong with the text */
    static Template parse(String text, Use use) {
        if (use != Use.TEXT && !text.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw new IllegalArgumentException(Values.quote(text) + " must be one line of printable ASCII, as "
                    + (use == Use.REPLY ? "an SMTP reply" : "a header field") + " is");
        }
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < text.length() && text.charAt(i + 1) == c) {
                literal.append(c);
                i += 2;
            } else if (c == '}') {
                throw new IllegalArgumentException(Values.quote(text) + " has a '}' that closes nothing; "
                        + "write }} for a literal brace");
            } else if (c == '{') {
                int end = text.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException(Values.quote(text) + " has a '{' that is never closed; "
                            + "write {{ for a literal brace");
                }
                String name = text.substring(i + 1, end);
                placeholder(name);
                if (!literal.isEmpty()) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                parts.add(new Name(name));
                i = end + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
        }
        return new Template(text, parts, use);
    }

    private record Name(String name) {
    }

    /** The first placeholder whose value is not known yet at {@code stage}, with the stage it is known from. */
    Optional<String> unavailableAt(Stage stage) {
        return parts.stream().filter(p -> p instanceof Name).map(p -> ((Name) p).name())
                .filter(n -> placeholder(n).from().compareTo(stage) > 0).findFirst()
                .map(n -> "{" + n + "} is known from " + placeholder(n).from() + " on");
    }

    String render(Context context) {
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof Name n) {
                out.append(safe(placeholder(n.name()).value().apply(context)));
            } else {
                out.append((String) part);
            }
        }
        return out.toString();
    }

    private String safe(String value) {
        String v = value.length() > MAX_VALUE ? value.substring(0, MAX_VALUE - 3) + "..." : value;
        StringBuilder s = new StringBuilder(v.length());
        v.codePoints().forEach(c -> {
            boolean printableAscii = c >= 0x20 && c <= 0x7e;
            if (use == Use.TEXT) {
                s.appendCodePoint(Character.isISOControl(c) ? ' ' : c);
            } else {
                s.append(printableAscii ? (char) c : Character.isISOControl(c) ? ' ' : '?');
            }
        });
        return s.toString();
    }

    private static Placeholder placeholder(String name) {
        Placeholder fixed = FIXED.get(name);
        if (fixed != null) {
            return fixed;
        }
        if (name.startsWith("finding.") && name.length() > "finding.".length()) {
            String finding = name.substring("finding.".length());
            return new Placeholder(Stage.CONNECT, c -> join(c.input().findings(finding).map(Values::text)));
        }
        if (name.startsWith("header.") && name.length() > "header.".length()) {
            String field = name.substring("header.".length());
            return new Placeholder(Stage.HEADERS,
                    c -> c.input().headers().flatMap(h -> h.first(field)).orElse(UNKNOWN));
        }
        throw new IllegalArgumentException("{" + name + "} is not a placeholder; known: " + KNOWN);
    }

    private static Stream<Finding.ContentType> attachments(Context c) {
        if (!c.attachments().isEmpty()) {
            return c.attachments().stream();
        }
        return c.input().findings().filter(f -> f instanceof Finding.ContentType).map(f -> (Finding.ContentType) f);
    }

    private static String spamScore(Context c) {
        OptionalDouble max = c.input().findings("spam.score").map(Values::number)
                .filter(OptionalDouble::isPresent).mapToDouble(OptionalDouble::getAsDouble).max();
        return max.isPresent() ? Values.number(max.getAsDouble()) : UNKNOWN;
    }

    private static String join(Stream<String> values) {
        String joined = values.distinct().collect(Collectors.joining(", "));
        return joined.isEmpty() ? UNKNOWN : joined;
    }

    @Override
    public String toString() {
        return source;
    }
}
