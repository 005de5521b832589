package org.portcullis.gateway.milter;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What a milter says back: a negotiation reply, progress, a modification, or a decision. */
sealed interface MilterResponse {

    /** {@code O}: the milter's version, the actions it will use, the protocol bits it wants, and macro lists. */
    record Negotiated(int version, int actions, int protocol, Map<Integer, List<String>> symbolLists)
            implements MilterResponse {
        public Negotiated {
            symbolLists = Map.copyOf(symbolLists);
        }
    }

    /** {@code p}: still working; the MTA restarts its clock. */
    record Progress() implements MilterResponse {
    }

    /** A response that ends a reply. */
    sealed interface Decision extends MilterResponse {
        /** The name used in logs and metrics. */
        String label();
    }

    /** {@code c}: go on. */
    record Continue() implements Decision {
        @Override
        public String label() {
            return "continue";
        }
    }

    /** {@code a}: accept; no more calls for this message (or connection, at connect/HELO). */
    record Accept() implements Decision {
        @Override
        public String label() {
            return "accept";
        }
    }

    /** {@code r}: refuse with a 5xx of the MTA's choosing. */
    record Reject() implements Decision {
        @Override
        public String label() {
            return "reject";
        }
    }

    /** {@code t}: refuse with a 4xx of the MTA's choosing. */
    record Tempfail() implements Decision {
        @Override
        public String label() {
            return "tempfail";
        }
    }

    /**
     * {@code y}: refuse with exactly this reply.
     *
     * @param code         4xx or 5xx
     * @param enhancedCode the enhanced status code, empty if the milter gave none
     * @param text         the text; the lines of a multi-line reply joined by a space
     */
    record ReplyCode(int code, String enhancedCode, String text) implements Decision {
        public ReplyCode {
            Objects.requireNonNull(enhancedCode, "enhancedCode");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String label() {
            return "replycode";
        }

        boolean permanent() {
            return code / 100 == 5;
        }
    }

    /** {@code d}: accept towards the client, then drop the message. */
    record Discard() implements Decision {
        @Override
        public String label() {
            return "discard";
        }
    }

    /** {@code f}: fail the SMTP connection. */
    record ConnectionFailure() implements Decision {
        @Override
        public String label() {
            return "conn_fail";
        }
    }

    /** {@code s}: send no more body chunks (only as the reply to {@code B}). */
    record Skip() implements Decision {
        @Override
        public String label() {
            return "skip";
        }
    }

    /** A change to the message, only after {@code E} and before the decision. */
    sealed interface Modification extends MilterResponse {
        /** The action bit the milter must have been granted. */
        int action();

        /** The name used in logs and metrics. */
        String label();
    }

    /** {@code h}: append a header field. */
    record AddHeader(String name, String value) implements Modification {
        @Override
        public int action() {
            return MilterProtocol.ADDHDRS;
        }

        @Override
        public String label() {
            return "add_header";
        }
    }

    /** {@code i}: insert a header field at {@code index} (0 = top). */
    record InsertHeader(int index, String name, String value) implements Modification {
        @Override
        public int action() {
            return MilterProtocol.ADDHDRS;
        }

        @Override
        public String label() {
            return "insert_header";
        }
    }

    /** {@code m}: change the {@code index}-th field of that name (from 1); an empty value deletes it. */
    record ChangeHeader(int index, String name, String value) implements Modification {
        @Override
        public int action() {
            return MilterProtocol.CHGHDRS;
        }

        @Override
        public String label() {
            return value.isEmpty() ? "delete_header" : "change_header";
        }
    }

    /** {@code b}: a piece of the new body; several pieces concatenate. */
    record ReplaceBody(byte[] chunk) implements Modification {
        public ReplaceBody {
            chunk = chunk.clone();
        }

        @Override
        public byte[] chunk() {
            return chunk.clone();
        }

        int length() {
            return chunk.length;
        }

        void writeTo(java.io.OutputStream out) throws java.io.IOException {
            out.write(chunk);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ReplaceBody r && java.util.Arrays.equals(r.chunk, chunk);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(chunk);
        }

        @Override
        public String toString() {
            return "ReplaceBody[" + chunk.length + " bytes]";
        }

        @Override
        public int action() {
            return MilterProtocol.CHGBODY;
        }

        @Override
        public String label() {
            return "replace_body";
        }
    }

    /** {@code +} or {@code 2}: add a recipient ({@code <addr>}), with ESMTP parameters for {@code 2}. */
    record AddRecipient(String recipient, Optional<String> parameters) implements Modification {
        @Override
        public int action() {
            return parameters.isPresent() ? MilterProtocol.ADDRCPT_PAR : MilterProtocol.ADDRCPT;
        }

        @Override
        public String label() {
            return "add_recipient";
        }
    }

    /** {@code -}: remove a recipient, given exactly as in {@code R}. */
    record DeleteRecipient(String recipient) implements Modification {
        @Override
        public int action() {
            return MilterProtocol.DELRCPT;
        }

        @Override
        public String label() {
            return "delete_recipient";
        }
    }

    /** {@code e}: change the envelope sender, optionally with ESMTP parameters. */
    record ChangeSender(String sender, Optional<String> parameters) implements Modification {
        @Override
        public int action() {
            return MilterProtocol.CHGFROM;
        }

        @Override
        public String label() {
            return "change_sender";
        }
    }

    /** {@code q}: hold the message, for this reason. */
    record Quarantine(String reason) implements Modification {
        @Override
        public int action() {
            return MilterProtocol.QUARANTINE;
        }

        @Override
        public String label() {
            return "quarantine";
        }
    }
}
