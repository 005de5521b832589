package org.portcullis.filter;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A change a filter asks for at the end of the message. Mutations are applied after the whole
 * chain has run, in chain order (and in the order each filter gave them), so the result never
 * depends on which filter finished first.
 *
 * <p>Header values are given unfolded, and the gateway folds them (and encodes non-ASCII words);
 * or already folded — CRLF followed by a space or tab — and then written exactly as given, which
 * a signature computed over the folded form (DKIM with simple canonicalisation) needs.
 */
public sealed interface Mutation {

    /** Appends a header field at the end of the header section. */
    record AddHeader(String name, String value) implements Mutation {
        public AddHeader {
            requireField(name, value);
        }
    }

    /** Inserts a header field before the field at {@code index} (0 = at the top). */
    record InsertHeader(int index, String name, String value) implements Mutation {
        public InsertHeader {
            requireField(name, value);
            if (index < 0) {
                throw new IllegalArgumentException("index must not be negative");
            }
        }
    }

    /** Sets the value of the {@code occurrence}-th (1-based) field of that name; adds it if there is none. */
    record ChangeHeader(String name, int occurrence, String value) implements Mutation {
        public ChangeHeader {
            requireField(name, value);
            if (occurrence < 1) {
                throw new IllegalArgumentException("occurrence counts from 1");
            }
        }
    }

    /** Removes the {@code occurrence}-th (1-based) field of that name; 0 removes all of them. */
    record DeleteHeader(String name, int occurrence) implements Mutation {
        public DeleteHeader {
            requireField(name, "");
            if (occurrence < 0) {
                throw new IllegalArgumentException("occurrence counts from 1 (0 for all)");
            }
        }
    }

    /** Replaces everything after the header section: CRLF lines, as it will be sent. */
    record ReplaceBody(ContentSource body) implements Mutation {
        public ReplaceBody {
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * Replaces one MIME part (by {@link MimePart#path()}) with new, decoded content of the given
     * type; the gateway encodes it for transport.
     */
    record ReplacePart(String part, MediaType contentType, ContentSource content) implements Mutation {
        public ReplacePart {
            Objects.requireNonNull(part, "part");
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(content, "content");
        }
    }

    /** Adds an envelope recipient (e.g. a BCC to an archive), with RCPT parameters. */
    record AddRecipient(Address address, Map<String, String> parameters) implements Mutation {
        public AddRecipient {
            Objects.requireNonNull(address, "address");
            parameters = Map.copyOf(parameters);
        }
    }

    /** Removes an envelope recipient. */
    record RemoveRecipient(Address address) implements Mutation {
        public RemoveRecipient {
            Objects.requireNonNull(address, "address");
        }
    }

    /** Sets the envelope sender. */
    record ChangeSender(Address address) implements Mutation {
        public ChangeSender {
            Objects.requireNonNull(address, "address");
        }
    }

    /** Replaces every envelope recipient with these. */
    record Redirect(List<Address> recipients) implements Mutation {
        public Redirect {
            recipients = List.copyOf(recipients);
            if (recipients.isEmpty()) {
                throw new IllegalArgumentException("a redirect needs at least one recipient");
            }
        }
    }

    private static void requireField(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == ':' || c > '~')) {
            throw new IllegalArgumentException("not a header field name: " + name);
        }
        String unfolded = value.replace("\r\n ", " ").replace("\r\n\t", "\t");
        if (unfolded.chars().anyMatch(c -> c == '\r' || c == '\n')) {
            throw new IllegalArgumentException("a header value may hold line breaks only as folds (CRLF, then a space"
                    + " or tab)");
        }
    }
}
