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
}
