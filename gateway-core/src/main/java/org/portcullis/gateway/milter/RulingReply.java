package org.portcullis.gateway.milter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.portcullis.filter.Address;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.Verdict;
import org.portcullis.message.EnvelopeChanges;
import org.portcullis.message.MessageRewriter;
import org.portcullis.message.ParsedMessage;

/**
 * What the milter server answers at the end of a message: the ruling in the milter's words.
 * A refusal is a {@code y} with the exact reply; a discard a {@code d}; otherwise the ruling's
 * changes as modifications, in the ruling's order, then {@code q} for a quarantine, then
 * {@code c}. The MTA ends up with the message Portcullis itself would have queued:
 *
 * <ul>
 *   <li>Header changes map one to one ({@code h}, {@code i}, {@code m}, {@code m} with an empty
 *       value to delete), the values encoded and folded exactly as {@link MessageRewriter}
 *       writes them, and the header section followed along so that every index is right.</li>
 *   <li>A new body or new parts: the message is rewritten by {@link MessageRewriter}, and its
 *       body goes back in {@code b} chunks; the Content-* fields a replaced top-level part gets
 *       follow as header changes.</li>
 *   <li>Envelope changes are applied as the gateway applies them ({@link EnvelopeChanges}), and
 *       the difference goes back: {@code -} for each recipient gone (as the MTA named it in
 *       {@code R}), {@code +} or {@code 2} for each new one, {@code e} for a new sender. A
 *       message left without recipients is discarded, as the SMTP listener does.</li>
 * </ul>
 *
 * @param modifications in the order to send them
 * @param decision      the final decision
 * @param event         what the log says happened: {@code accepted}, {@code quarantined},
 *                      {@code discarded} or {@code reject}
 */
record RulingReply(List<MilterResponse.Modification> modifications, MilterResponse.Decision decision, String event) {

    RulingReply {
        modifications = List.copyOf(modifications);
    }

    /**
     * The transaction's envelope as the MTA gave it.
     *
     * @param recipients    the recipients the chain accepted, in order
     * @param rcptArguments each of them as the MTA wrote it in {@code R} (for {@code -}), by {@link #key}
     */
    record Transaction(Address sender, List<Address> recipients, Map<String, String> rcptArguments) {
        Transaction {
            recipients = List.copyOf(recipients);
            rcptArguments = Map.copyOf(rcptArguments);
        }

        static String key(Address address) {
            return address.localPart() + "@" + address.domainKey();
        }
    }

    /** A refusal of the message: exactly the reply Portcullis would give. */
    static RulingReply refusal(int code, String enhancedCode, String text) {
        return new RulingReply(List.of(), new MilterResponse.ReplyCode(code, enhancedCode, text), "reject");
    }

    /**
     * @param verdict     the final verdict (the ruling's, or a stricter one said at MAIL or RCPT)
     * @param mutations   the ruling's changes, in order
     * @param message     the message as received, still open
     * @param transaction its envelope
     * @param tempDir     where the rewritten message is written for a moment
     * @throws IOException when the message cannot be read or rewritten
     */
    static RulingReply of(Verdict verdict, List<Mutation> mutations, ParsedMessage message, Transaction transaction,
                          Agreement agreement, Path tempDir) throws IOException {
        switch (verdict) {
            case Verdict.Reject r -> {
                return refusal(r.code(), r.enhancedCode(), r.text());
            }
            case Verdict.Tempfail t -> {
                return refusal(t.code(), t.enhancedCode(), t.text());
            }
            case Verdict.Discard d -> {
                return new RulingReply(List.of(), new MilterResponse.Discard(), "discarded");
            }
            default -> {
            }
        }
        List<MilterResponse.Modification> out = new ArrayList<>();
        if (!mutations.isEmpty()) {
            Path rewritten = Files.createTempFile(tempDir, "milterd-rewrite-", ".eml");
            try {
                new MessageRewriter().rewrite(message, mutations, rewritten);
                HeaderEdits headers;
                try (InputStream raw = message.openRaw()) {
                    headers = new HeaderEdits(headerSection(raw), agreement.leadingSpace());
                }
                mutations.forEach(m -> headers.apply(m, out));
                try (InputStream raw = Files.newInputStream(rewritten)) {
                    headers.reconcileContentFields(headerSection(raw), out);
                }
                if (mutations.stream().anyMatch(m -> m instanceof Mutation.ReplaceBody || m instanceof Mutation.ReplacePart)
                        && !sameBody(message, rewritten)) {
                    body(rewritten, agreement.maxDataSize(), out);
                }
            } finally {
                Files.deleteIfExists(rewritten);
            }
        }
        EnvelopeChanges changes = MessageRewriter.envelopeChanges(mutations);
        List<Address> after = changes.recipients(transaction.recipients());
        if (after.isEmpty()) {
            return new RulingReply(List.of(), new MilterResponse.Discard(), "discarded");
        }
        envelope(transaction, changes, after, out);
        boolean quarantine = verdict instanceof Verdict.Quarantine;
        if (verdict instanceof Verdict.Quarantine q) {
            out.add(new MilterResponse.Quarantine(q.reason()));
        }
        List<MilterResponse.Modification> allowed = allowedOrNarrowed(out, agreement);
        if (allowed == null) {
            return refusal(451, "4.3.5", "The mail filter's changes cannot be made through this MTA, try again later");
        }
        return new RulingReply(allowed, new MilterResponse.Continue(), quarantine ? "quarantined" : "accepted");
    }

    /** The actions a list of modifications needs that the MTA did not grant, as their labels. */
    static List<String> notGranted(List<MilterResponse.Modification> modifications, Agreement agreement) {
        return modifications.stream().filter(m -> !agreement.allows(m.action())
                        && !(m instanceof MilterResponse.AddRecipient && agreement.allows(MilterProtocol.ADDRCPT)))
                .map(MilterResponse.Modification::label).distinct().toList();
    }

    /**
     * The modifications as the MTA allows them: a recipient with parameters goes without them
     * where only {@code +} was granted; null when a change cannot be made at all (the message
     * must not pass unchanged: an attachment that should have been stripped would reach its
     * recipient).
     */
    private static List<MilterResponse.Modification> allowedOrNarrowed(List<MilterResponse.Modification> all,
                                                                      Agreement agreement) {
        if (!notGranted(all, agreement).isEmpty()) {
            return null;
        }
        return all.stream().map(m -> m instanceof MilterResponse.AddRecipient r && !agreement.allows(r.action())
                ? (MilterResponse.Modification) new MilterResponse.AddRecipient(r.recipient(), Optional.empty()) : m)
                .toList();
    }

    private static void envelope(Transaction transaction, EnvelopeChanges changes, List<Address> after,
                                 List<MilterResponse.Modification> out) {
        Address sender = changes.sender(transaction.sender());
        if (!sender.equals(transaction.sender())) {
            out.add(new MilterResponse.ChangeSender("<" + sender + ">", Optional.empty()));
        }
        List<String> kept = after.stream().map(Transaction::key).toList();
        List<String> before = transaction.recipients().stream().map(Transaction::key).toList();
        for (Address gone : transaction.recipients()) {
            if (!kept.contains(Transaction.key(gone))) {
                out.add(new MilterResponse.DeleteRecipient(transaction.rcptArguments()
                        .getOrDefault(Transaction.key(gone), "<" + gone + ">")));
            }
        }
        for (Address added : after) {
            if (!before.contains(Transaction.key(added))) {
                Map<String, String> parameters = changes.parameters(added).orElse(Map.of());
                out.add(new MilterResponse.AddRecipient("<" + added + ">", parameters.isEmpty() ? Optional.empty()
                        : Optional.of(esmtp(parameters))));
            }
        }
    }

    /** {@code NOTIFY=NEVER ORCPT=rfc822;a@b}, keywords in a stable order. */
    private static String esmtp(Map<String, String> parameters) {
        List<String> args = new ArrayList<>();
        new java.util.TreeMap<>(parameters).forEach((k, v) -> args.add(v.isEmpty() ? k : k + "=" + v));
        return String.join(" ", args);
    }

    /** The new body in chunks of at most the agreed packet size. */
    private static void body(Path rewritten, int chunkSize, List<MilterResponse.Modification> out) throws IOException {
        try (InputStream body = MessageBody.of(Files.newInputStream(rewritten))) {
            byte[] buffer = new byte[chunkSize];
            int n;
            boolean any = false;
            while ((n = MessageBody.readChunk(body, buffer)) > 0) {
                out.add(new MilterResponse.ReplaceBody(java.util.Arrays.copyOf(buffer, n)));
                any = true;
            }
            if (!any) {
                out.add(new MilterResponse.ReplaceBody(new byte[0]));
            }
        }
    }

    private static boolean sameBody(ParsedMessage message, Path rewritten) throws IOException {
        try (InputStream a = MessageBody.of(message.openRaw()); InputStream b = MessageBody.of(Files.newInputStream(rewritten))) {
            byte[] x = new byte[16 * 1024];
            byte[] y = new byte[16 * 1024];
            while (true) {
                int n = a.readNBytes(x, 0, x.length);
                int m = b.readNBytes(y, 0, y.length);
                if (n != m || !java.util.Arrays.equals(x, 0, n, y, 0, m)) {
                    return false;
                }
                if (n == 0) {
                    return true;
                }
            }
        }
    }

    /** The fields of a message's header section, each as written (folds joined by CRLF), without line ends. */
    static List<String> headerSection(InputStream message) throws IOException {
        List<String> fields = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(message, StandardCharsets.UTF_8))) {
            StringBuilder field = null;
            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                if (field != null && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                    field.append("\r\n").append(line);
                } else {
                    if (field != null) {
                        fields.add(field.toString());
                    }
                    field = new StringBuilder(line);
                }
            }
            if (field != null) {
                fields.add(field.toString());
            }
        }
        return fields;
    }

    /**
     * The message's header section as the MTA will have it after each modification sent so far:
     * names for the occurrence counts of {@code m}, and each field's text for comparing with
     * the rewritten message.
     */
    private static final class HeaderEdits {
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
}
