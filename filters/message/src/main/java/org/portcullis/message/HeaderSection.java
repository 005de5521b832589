package org.portcullis.message;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.stream.Field;
import org.portcullis.filter.Mutation;

/**
 * A header section being edited: the fields as read, byte for byte, and fields that mutations
 * added or changed, written anew. Mutations apply in order, each to the result of the last.
 */
final class HeaderSection {

    /** A field: its raw bytes as read (without the line end), or null for a new one to encode. */
    private record Line(String name, byte[] raw, String value) {
        byte[] bytes() {
            return raw != null ? raw : HeaderEncoding.field(name, value);
        }
    }

    private final List<Line> lines = new ArrayList<>();

    static HeaderSection of(List<Field> fields) {
        HeaderSection section = new HeaderSection();
        for (Field field : fields) {
            byte[] raw = field.getRaw() != null ? field.getRaw().toByteArray()
                    : HeaderEncoding.field(field.getName(), field.getBody());
            section.lines.add(new Line(field.getName(), raw, null));
        }
        return section;
    }

    void apply(Mutation mutation) {
        switch (mutation) {
            case Mutation.AddHeader add -> lines.add(fresh(add.name(), add.value()));
            case Mutation.InsertHeader insert -> lines.add(Math.min(insert.index(), lines.size()), fresh(insert.name(), insert.value()));
            case Mutation.ChangeHeader change -> {
                int at = indexOf(change.name(), change.occurrence());
                if (at < 0) {
                    lines.add(fresh(change.name(), change.value()));
                } else {
                    lines.set(at, fresh(lines.get(at).name(), change.value()));
                }
            }
            case Mutation.DeleteHeader delete -> {
                if (delete.occurrence() == 0) {
                    lines.removeIf(l -> l.name().equalsIgnoreCase(delete.name()));
                } else {
                    int at = indexOf(delete.name(), delete.occurrence());
                    if (at >= 0) {
                        lines.remove(at);
                    }
                }
            }
            default -> throw new IllegalArgumentException("not a header mutation: " + mutation);
        }
    }

    /** Drops the Content-* fields, for a part whose content is replaced. */
    void removeContentFields() {
        lines.removeIf(l -> l.name().toLowerCase(Locale.ROOT).startsWith("content-"));
    }

    boolean contains(String name) {
        return lines.stream().anyMatch(l -> l.name().equalsIgnoreCase(name));
    }

    void add(String name, String value) {
        lines.add(fresh(name, value));
    }

    /** The fields, each with CRLF, and the empty line that ends the section. */
    void writeTo(OutputStream out) throws IOException {
        for (Line line : lines) {
            out.write(line.bytes());
            out.write(Crlf.LINE_END);
        }
        out.write(Crlf.LINE_END);
    }

    private int indexOf(String name, int occurrence) {
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).name().equalsIgnoreCase(name) && ++seen == occurrence) {
                return i;
            }
        }
        return -1;
    }

    private static Line fresh(String name, String value) {
        return new Line(name, null, value);
    }
}
