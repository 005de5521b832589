package org.portcullis.message;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.io.MaxLineLimitException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;
import org.portcullis.filter.Headers;
import org.portcullis.filter.MediaType;

/**
 * Builds the part tree of one message in a single pass of mime4j's token stream, storing each
 * leaf's decoded content as it streams by. Limits cut the tree instead of failing; what mime4j
 * cannot make sense of is noted and parsing goes on.
 */
final class MessageParser {

    private static final MediaType OCTET_STREAM = new MediaType("application", "octet-stream", Map.of());
    private static final List<String> UUENCODE_TRANSFER = List.of("x-uuencode", "uuencode", "x-uue");

    private final MessageSource source;
    private final MessageLimits limits;
    private final ParseNotes notes;
    private final ContentStore store;
    private final RawBodies rawBodies;
    private final PathTracker paths = new PathTracker();
    private final Deque<PartBuilder> open = new ArrayDeque<>();
    private int partCount;
    private boolean partLimitNoted;
    private ParsedPart root;

    MessageParser(MessageSource source, MessageLimits limits, ParseNotes notes, ContentStore store) {
        this.source = source;
        this.limits = limits;
        this.notes = notes;
        this.store = store;
        this.rawBodies = new RawBodies(source, limits);
    }

    /**
     * The top-level header section alone, read as the full parse reads it, the rest of the
     * message left unread: what the headers stage and a policy on headers need.
     */
    Headers topHeaders() throws IOException {
        read(true);
        PartBuilder top = open.peekLast();
        return top == null ? Headers.of(List.of()) : top.headers();
    }

    /** The root part; throws only when the file cannot be read. */
    ParsedPart parse() throws IOException {
        read(false);
        while (!open.isEmpty()) {
            endPart();
        }
        return root != null ? root : emptyRoot();
    }

    /** Runs the token stream through the parts, or only up to the end of the top-level header section. */
    private void read(boolean headerSectionOnly) throws IOException {
        try (InputStream in = source.open()) {
            MimeTokenStream tokens = TokenStreams.create(limits, notes,
                    new CheckingFieldBuilder(limits.maxHeaderSection(), notes));
            tokens.parse(in);
            try {
                for (EntityState state = tokens.getState(); state != EntityState.T_END_OF_STREAM; state = tokens.next()) {
                    if (headerSectionOnly && state == EntityState.T_END_HEADER) {
                        return;
                    }
                    step(tokens, state);
                }
            } catch (MimeException | MaxLineLimitException e) {
                notes.limit(notes.currentPart(), "parsing stopped here: " + e.getMessage());
            }
        }
    }

    private void step(MimeTokenStream tokens, EntityState state) throws IOException {
        switch (state) {
            case T_START_MESSAGE, T_START_BODYPART -> startPart();
            case T_FIELD -> {
                PartBuilder part = open.peek();
                if (!part.ignored && part.addField(tokens.getField(), notes, limits.maxHeaderSection())) {
                    notes.limit(part.path, "header section longer than " + limits.maxHeaderSection()
                            + " bytes; the fields after that are left out");
                }
            }
            case T_END_HEADER -> endHeader(tokens);
            case T_BODY -> body(tokens);
            case T_END_MESSAGE, T_END_BODYPART -> endPart();
            default -> {
                // Multipart boundaries, preamble and epilogue: nothing to keep.
            }
        }
    }

    private void startPart() {
        PartBuilder parent = open.peek();
        String path = paths.enter();
        notes.at(path);
        boolean ignored = parent != null && parent.ignored;
        if (!ignored && partCount >= limits.maxParts()) {
            ignored = true;
            if (!partLimitNoted) {
                partLimitNoted = true;
                notes.limit(path, "more than " + limits.maxParts() + " parts; this and the later parts are left out");
            }
        }
        if (!ignored) {
            partCount++;
        }
        MediaType parentType = parent == null ? null : parent.content(notes).contentType();
        open.push(new PartBuilder(path, paths.depth(), ignored, parentType));
    }

    private void endHeader(MimeTokenStream tokens) {
        PartBuilder part = open.peek();
        if (part.ignored) {
            tokens.setRecursionMode(RecursionMode.M_FLAT);
            return;
        }
        if (part.depth >= limits.maxDepth() && part.isContainer(notes)) {
            notes.limit(part.path, "nested deeper than " + limits.maxDepth() + " levels; kept as one part with its raw body");
            tokens.setRecursionMode(RecursionMode.M_FLAT);
        }
    }

    private void body(MimeTokenStream tokens) throws IOException {
        PartBuilder part = open.peek();
        tokens.setRecursionMode(RecursionMode.M_RECURSE);
        if (part.ignored) {
            return;
        }
        ContentStore.Sink sink = store.open(limits.maxPartSize());
        try (InputStream decoded = tokens.getDecodedInputStream()) {
            decoded.transferTo(sink);
        }
        StoredContent content = sink.finish();
        if (sink.truncated()) {
            notes.limit(part.path, "decoded content of " + sink.seen() + " bytes cut at " + limits.maxPartSize());
        }
        part.body(content);
        if (carriesUuencode(part)) {
            findUuencodedFiles(part, content);
        }
    }

    private boolean carriesUuencode(PartBuilder part) {
        Optional<String> transfer = part.transferEncoding();
        return part.content(notes).contentType().is("text/plain")
                || transfer.filter(UUENCODE_TRANSFER::contains).isPresent();
    }

    private void findUuencodedFiles(PartBuilder part, StoredContent text) throws IOException {
        int room = limits.maxParts() - partCount;
        List<UuencodedFiles.Found> found = UuencodedFiles.scan(text, store, Math.max(room, 0) + 1, limits.maxPartSize());
        int n = 0;
        for (UuencodedFiles.Found file : found) {
            n++;
            String path = part.path.isEmpty() ? "u" + n : part.path + ".u" + n;
            if (partCount >= limits.maxParts()) {
                notes.limit(path, "more than " + limits.maxParts() + " parts; this uuencoded file is left out");
                break;
            }
            partCount++;
            if (!file.complete()) {
                notes.malformed(path, "uuencoded file \"" + file.filename() + "\" has no end line");
            }
            part.addFile(new ParsedPart(path, OCTET_STREAM, Headers.of(List.of()), Optional.of(file.filename()), true,
                    Optional.of("x-uuencode"), List.of(), List.of(), new ParsedPart.Body.Stored(file.content()), true));
        }
    }

    private void endPart() {
        paths.leave();
        PartBuilder part = open.pop();
        PartBuilder parent = open.peek();
        notes.at(parent == null ? "" : parent.path);
        if (part.ignored) {
            return;
        }
        ParsedPart built = part.build(notes, rawBodies);
        if (parent == null) {
            root = built;
        } else {
            parent.addChild(built);
        }
    }

    private ParsedPart emptyRoot() {
        return new ParsedPart("", MediaType.TEXT_PLAIN, Headers.of(List.of()), Optional.empty(), false, Optional.empty(),
                List.of(), List.of(), new ParsedPart.Body.Stored(StoredContent.EMPTY), false);
    }
}
