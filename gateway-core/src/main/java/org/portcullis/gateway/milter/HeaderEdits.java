package org.portcullis.gateway.milter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.portcullis.filter.Mutation;
import org.portcullis.message.MessageRewriter;

/**
 * The header mutations of a ruling as milter modifications ({@code h}, {@code i}, {@code m}),
 * for {@link RulingReply}. It follows the message's header section as the MTA will have it after
 * each modification sent so far — the names, for the occurrence counts of {@code m}, and each
 * field's text, for comparing with the message {@link MessageRewriter} wrote — and applies the
 * mutations with the rewriter's own rules: a change of a field that is not there adds it, an
 * insertion past the end appends.
 */
final class HeaderEdits {

    private record Field(String name, String text) {
    }

    private final List<Field> fields = new ArrayList<>();
    private final boolean leadingSpace;

    HeaderEdits(List<String> original, boolean leadingSpace) {
        original.forEach(text -> fields.add(new Field(nameOf(text), text)));
        this.leadingSpace = leadingSpace;
    }

    void apply(Mutation mutation, List<MilterResponse.Modification> out) {
        switch (mutation) {
            case Mutation.AddHeader add -> append(add.name(), add.value(), out);
            case Mutation.InsertHeader insert -> {
                if (insert.index() >= fields.size()) {
                    append(insert.name(), insert.value(), out);
                } else {
                    String value = MessageRewriter.fieldValue(insert.name(), insert.value());
                    out.add(new MilterResponse.InsertHeader(insert.index(), insert.name(), wire(value)));
                    fields.add(insert.index(), new Field(insert.name(), insert.name() + ":" + value));
                }
            }
            case Mutation.ChangeHeader change -> {
                int at = indexOf(change.name(), change.occurrence());
                if (at < 0) {
                    append(change.name(), change.value(), out);
                } else {
                    String name = fields.get(at).name();
                    String value = MessageRewriter.fieldValue(name, change.value());
                    out.add(new MilterResponse.ChangeHeader(change.occurrence(), change.name(), wire(value)));
                    fields.set(at, new Field(name, name + ":" + value));
                }
            }
            case Mutation.DeleteHeader delete -> {
                if (delete.occurrence() == 0) {
                    // From the last: each deletion leaves the lower occurrences where they were.
                    for (int n = count(delete.name()); n >= 1; n--) {
                        delete(delete.name(), n, out);
                    }
                } else {
                    delete(delete.name(), delete.occurrence(), out);
                }
            }
            default -> {
                // Body and envelope changes are not header edits.
            }
        }
    }

    /**
     * A replaced top-level part changes the message's own Content-* fields (and may add
     * MIME-Version): whatever of those differs from the rewritten message is deleted and
     * added again as it is there.
     */
    void reconcileContentFields(List<String> rewritten, List<MilterResponse.Modification> out) {
        List<String> want = rewritten.stream().filter(HeaderEdits::isContentField).toList();
        List<Field> have = fields.stream().filter(f -> isContentField(f.text())).toList();
        if (have.stream().map(Field::text).toList().equals(want)) {
            return;
        }
        List<String> kept = new ArrayList<>(want);
        for (int i = have.size() - 1; i >= 0; i--) {
            Field f = have.get(i);
            if (!kept.remove(f.text())) {
                int occurrence = occurrenceOf(f);
                out.add(new MilterResponse.ChangeHeader(occurrence, f.name(), ""));
                fields.remove(f);
            }
        }
        List<String> present = fields.stream().map(Field::text).toList();
        for (String text : want) {
            if (!present.contains(text)) {
                int colon = text.indexOf(':');
                String name = text.substring(0, colon);
                out.add(new MilterResponse.AddHeader(name, wire(text.substring(colon + 1))));
                fields.add(new Field(name, text));
            }
        }
    }

    private void append(String name, String value, List<MilterResponse.Modification> out) {
        String encoded = MessageRewriter.fieldValue(name, value);
        out.add(new MilterResponse.AddHeader(name, wire(encoded)));
        fields.add(new Field(name, name + ":" + encoded));
    }

    private void delete(String name, int occurrence, List<MilterResponse.Modification> out) {
        int at = indexOf(name, occurrence);
        if (at >= 0) {
            out.add(new MilterResponse.ChangeHeader(occurrence, name, ""));
            fields.remove(at);
        }
    }

    /** A value as the MTA takes it: LF between the lines of a fold, and without our space after the colon unless HDR_LEADSPC. */
    private String wire(String value) {
        String v = value.replace("\r\n", "\n");
        return !leadingSpace && v.startsWith(" ") ? v.substring(1) : v;
    }

    private int indexOf(String name, int occurrence) {
        int seen = 0;
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equalsIgnoreCase(name) && ++seen == occurrence) {
                return i;
            }
        }
        return -1;
    }

    private int count(String name) {
        return (int) fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).count();
    }

    private int occurrenceOf(Field field) {
        int seen = 0;
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(field.name())) {
                seen++;
            }
            if (f == field) {
                return seen;
            }
        }
        return seen;
    }

    private static boolean isContentField(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.startsWith("content-") || lower.startsWith("mime-version:");
    }

    private static String nameOf(String text) {
        int colon = text.indexOf(':');
        return (colon < 0 ? text : text.substring(0, colon)).strip();
    }
}
