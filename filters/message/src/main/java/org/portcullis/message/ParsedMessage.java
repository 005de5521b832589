package org.portcullis.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Headers;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.MimePart;

/**
 * A message read from its file and shared, read-only, by every filter of the chain.
 *
 * <p>The gateway opens the spooled bytes ({@link #parse(Envelope, Path, long, long, MessageLimits)});
 * the test harness opens an {@code .eml} file ({@link #parse(Envelope, Path, MessageLimits)}).
 * Opening reads the top-level header section only; the MIME tree is parsed once, the first time
 * something asks for it ({@link #root()}, {@link #parts()}, {@link #problems()}), so a chain whose
 * filters only stream the raw message (milters) never pays for it. Parsing never fails on what
 * the message contains: limits cut the tree and broken MIME yields the best tree mime4j can make,
 * both listed in {@link #problems()}. Only an unreadable file throws.
 *
 * <p>Memory stays bounded: header fields are kept (up to {@link MessageLimits#maxHeaderSection()}
 * per part), and decoded contents are kept on the heap up to {@link MessageLimits#memoryBudget()}
 * for the whole message, the rest in one temporary file. {@link #close()} deletes that file;
 * streams opened before then must be read before it.
 */
public final class ParsedMessage implements MessageView, AutoCloseable {

    /** The parsed tree and what it holds on to. */
    private record Tree(ParsedPart root, List<ParseProblem> problems, ContentStore store) {
    }

    private final Envelope envelope;
    private final MessageSource source;
    private final MessageLimits limits;
    private final Path spillDirectory;
    private final Headers headers;
    private final Object lock = new Object();
    private volatile Tree tree;
    private boolean closed;

    private ParsedMessage(Envelope envelope, MessageSource source, MessageLimits limits, Path spillDirectory,
                          Headers headers) {
        this.envelope = envelope;
        this.source = source;
        this.limits = limits;
        this.spillDirectory = spillDirectory;
        this.headers = headers;
    }

    /**
     * Opens {@code length} bytes from {@code offset} of {@code file} (CRLF line ends, not
     * dot-stuffed): reads the header section now, the rest when first asked.
     */
    public static ParsedMessage parse(Envelope envelope, Path file, long offset, long length, MessageLimits limits)
            throws IOException {
        return parse(envelope, file, offset, length, limits, defaultSpillDirectory());
    }

    /** As {@link #parse(Envelope, Path, long, long, MessageLimits)}, spilling large contents into {@code spillDirectory}. */
    public static ParsedMessage parse(Envelope envelope, Path file, long offset, long length, MessageLimits limits,
                                      Path spillDirectory) throws IOException {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(spillDirectory, "spillDirectory");
        MessageSource source = new MessageSource(file, offset, length);
        Headers headers = new MessageParser(source, limits, new ParseNotes(limits.maxProblems()),
                new ContentStore(spillDirectory, 0)).topHeaders();
        return new ParsedMessage(envelope, source, limits, spillDirectory, headers);
    }

    /** Opens a whole file, such as an {@code .eml}. */
    public static ParsedMessage parse(Envelope envelope, Path file, MessageLimits limits) throws IOException {
        return parse(envelope, file, 0, Files.size(file), limits);
    }

    @Override
    public Envelope envelope() {
        return envelope;
    }

    /** The top-level header fields, read when the message was opened (the same fields the tree's root has). */
    @Override
    public Headers headers() {
        return headers;
    }

    /** The root of the MIME tree, parsed on the first call. */
    @Override
    public ParsedPart root() {
        return tree().root();
    }

    @Override
    public long size() {
        return source.length();
    }

    @Override
    public InputStream openRaw() throws IOException {
        return source.open();
    }

    /** The part at {@code path} ({@link MimePart#path()}), if the tree has it. */
    public Optional<MimePart> part(String path) {
        return parts().filter(p -> p.path().equals(path)).findFirst();
    }

    /** What the parser cut or worked around; empty for a well-formed message within its limits. */
    public List<ParseProblem> problems() {
        return tree().problems();
    }

    /** The problems as findings ({@code mime.limit}, {@code mime.malformed}) for the chain to pass on. */
    public List<Finding> findings() {
        return problems().stream().map(ParseProblem::toFinding).toList();
    }

    /** Whether the MIME tree has been parsed (someone asked for it). */
    public boolean treeParsed() {
        return tree != null;
    }

    /** Whether some decoded content went to a temporary file rather than the heap (parses the tree). */
    public boolean spilled() {
        return tree().store().spilled();
    }

    /** Deletes the temporary file of spilled contents, if there is one. */
    @Override
    public void close() throws IOException {
        synchronized (lock) {
            closed = true;
            if (tree != null) {
                tree.store().close();
            }
        }
    }

    private Tree tree() {
        Tree t = tree;
        if (t != null) {
            return t;
        }
        synchronized (lock) {
            if (tree == null) {
                if (closed) {
                    throw new IllegalStateException("the message was closed before its MIME tree was asked for");
                }
                tree = parseTree();
            }
            return tree;
        }
    }

    private Tree parseTree() {
        ParseNotes notes = new ParseNotes(limits.maxProblems());
        ContentStore store = new ContentStore(spillDirectory, limits.memoryBudget());
        try {
            ParsedPart root = new MessageParser(source, limits, notes, store).parse();
            return new Tree(root, notes.problems(), store);
        } catch (IOException e) {
            discard(store, e);
            throw new UncheckedIOException("cannot read the message from " + source.file() + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            discard(store, e);
            throw e;
        }
    }

    private static void discard(ContentStore store, Throwable cause) {
        try {
            store.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    private static Path defaultSpillDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
