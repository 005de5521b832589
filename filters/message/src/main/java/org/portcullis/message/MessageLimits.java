package org.portcullis.message;

/**
 * What one message may cost the parser. When a limit trips, parsing goes on: the tree is cut
 * there and the message reports a {@link ParseProblem.Kind#LIMIT} problem (finding
 * {@code mime.limit}) that the chain and the policy can act on.
 *
 * @param maxDepth           how deep parts may nest (the root is depth 0); a multipart or
 *                           message/rfc822 part at this depth becomes a leaf holding its raw body
 * @param maxParts           how many parts the tree holds, the root and uuencoded files included;
 *                           parts past it are left out
 * @param maxHeaderSection   bytes of header fields kept per part; fields past it are left out, and
 *                           a single line or field longer than this stops the parse there (and
 *                           the field before it is lost, as it ends only where the next begins)
 * @param maxPartSize        decoded bytes kept of one part; its content is cut there
 * @param memoryBudget       decoded bytes of the whole message held on the heap; content past it
 *                           goes to a temporary file that lives as long as the parsed message
 * @param maxProblems        problems kept per message (a broken base64 body can have thousands)
 */
public record MessageLimits(int maxDepth, int maxParts, int maxHeaderSection, long maxPartSize,
                            long memoryBudget, int maxProblems) {

    /** Nesting 20, 1000 parts, 256 KiB of header per part, 256 MiB per part, 512 KiB on the heap, 100 problems. */
    public static final MessageLimits DEFAULTS =
            new MessageLimits(20, 1000, 256 * 1024, 256L * 1024 * 1024, 512 * 1024, 100);

    public MessageLimits {
        requirePositive("maxDepth", maxDepth);
        requirePositive("maxParts", maxParts);
        requirePositive("maxHeaderSection", maxHeaderSection);
        requirePositive("maxPartSize", maxPartSize);
        if (memoryBudget < 0) {
            throw new IllegalArgumentException("memoryBudget must not be negative");
        }
        requirePositive("maxProblems", maxProblems);
    }

    public MessageLimits withMaxDepth(int depth) {
        return new MessageLimits(depth, maxParts, maxHeaderSection, maxPartSize, memoryBudget, maxProblems);
    }

    public MessageLimits withMaxParts(int parts) {
        return new MessageLimits(maxDepth, parts, maxHeaderSection, maxPartSize, memoryBudget, maxProblems);
    }

    public MessageLimits withMaxHeaderSection(int bytes) {
        return new MessageLimits(maxDepth, maxParts, bytes, maxPartSize, memoryBudget, maxProblems);
    }

    public MessageLimits withMaxPartSize(long bytes) {
        return new MessageLimits(maxDepth, maxParts, maxHeaderSection, bytes, memoryBudget, maxProblems);
    }

    public MessageLimits withMemoryBudget(long bytes) {
        return new MessageLimits(maxDepth, maxParts, maxHeaderSection, maxPartSize, bytes, maxProblems);
    }

    private static void requirePositive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
    }
}
