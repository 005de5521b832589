package org.portcullis.gateway.spool;

/** What reading one spool file found. */
public sealed interface SpoolFileRead {

    /**
     * A committed message.
     *
     * @param tornTail whether a damaged last record was found and ignored (a crash while
     *                 recording progress); the state before it stands
     */
    record Readable(SpooledMessage message, boolean tornTail) implements SpoolFileRead {
    }

    /** A file that no commit ever completed: never promised to anyone. */
    record Uncommitted(String reason) implements SpoolFileRead {
    }

    /** A file that is not a usable spool file; it is set aside, never deleted. */
    record Corrupt(String reason) implements SpoolFileRead {
    }

    /**
     * The file went away while being read (moved or deleted by someone else), or the reading
     * thread was interrupted; the file is left as it is.
     */
    record Missing() implements SpoolFileRead {
    }
}
