package org.portcullis.gateway.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.filter.Address;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Verdict;
import org.portcullis.gateway.chain.Gate;
import org.portcullis.gateway.chain.MessageStages;
import org.portcullis.gateway.chain.Ruling;
import org.portcullis.gateway.chain.SessionFilters;
import org.portcullis.gateway.delivery.MessageContent;
import org.portcullis.gateway.archive.Archives;
import org.portcullis.gateway.envelope.MailAddress;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.envelope.Recipient;
import org.portcullis.gateway.spool.Spool;
import org.portcullis.gateway.spool.SpoolWriter;
import org.portcullis.message.MessageLimits;
import org.portcullis.message.MessageRewriter;
import org.portcullis.message.ParsedMessage;
import org.portcullis.message.RewriteResult;

/**
 * The end of a message's data when filters or the policy have a say: the message is parsed once
 * from the spool file, the headers and end-of-message stages run, the policy rules, and then the
 * message is refused, dropped, quarantined or committed — rewritten first when there are changes.
 * Runs on a virtual thread; the session waits (paused) for its {@link Result}.
 */
final class EndOfData {

    /** What the session says, and what it logs. */
    record Result(SmtpReply reply, String event, Ruling ruling, Verdict verdict) {
    }

    private final Gate gate;
    private final SessionFilters filters;
    private final Spool spool;
    private final Archives archives;

    EndOfData(Gate gate, SessionFilters filters, Spool spool, Archives archives) {
        this.gate = gate;
        this.filters = filters;
        this.spool = spool;
        this.archives = archives;
    }

    /**
     * @param envelope the core envelope being received
     * @param view     the same envelope as the filters see it
     * @param early    a discard or quarantine already said at MAIL or RCPT, or null
     */
    Result run(Direction direction, org.portcullis.gateway.envelope.Envelope envelope, Envelope view,
               SpoolWriter writer, Verdict early) throws IOException {
        MessageContent content = writer.content();
        Ruling ruling;
        Path rewritten = null;
        RewriteResult rewrite = null;
        try (ParsedMessage message = ParsedMessage.parse(view, content.file(), content.offset(), content.length(),
                MessageLimits.DEFAULTS)) {
            ruling = MessageStages.judge(gate, filters, direction, view, message);
            if (!ruling.mutations().isEmpty() && !refuses(ruling.verdict())
                    && !(ruling.verdict() instanceof Verdict.Discard)) {
                rewritten = Files.createTempFile("portcullis-rewrite-", ".eml");
                rewrite = new MessageRewriter().rewrite(message, ruling.mutations(), rewritten);
            }
        }
        try {
            return finish(envelope, writer, ruling, MessageStages.strictest(early, ruling.verdict()), rewritten, rewrite);
        } finally {
            if (rewritten != null) {
                Files.deleteIfExists(rewritten);
            }
        }
    }

    private Result finish(org.portcullis.gateway.envelope.Envelope envelope, SpoolWriter writer, Ruling ruling,
                          Verdict verdict, Path rewritten, RewriteResult rewrite) throws IOException {
        switch (verdict) {
            case Verdict.Reject r -> {
                writer.abort();
                return new Result(SmtpReply.of(r.code(), r.enhancedCode(), r.text()), "reject", ruling, verdict);
            }
            case Verdict.Tempfail t -> {
                writer.abort();
                return new Result(SmtpReply.of(t.code(), t.enhancedCode(), t.text()), "reject", ruling, verdict);
            }
            case Verdict.Discard d -> {
                writer.abort();
                return new Result(queued(envelope.queueId()), "discarded", ruling, verdict);
            }
            default -> {
            }
        }
        SpoolWriter target = writer;
        org.portcullis.gateway.envelope.Envelope finalEnvelope = envelope;
        if (rewritten != null || ruling.route().isPresent()) {
            finalEnvelope = changed(envelope, rewrite, ruling.route());
            if (finalEnvelope.recipients().isEmpty()) {
                writer.abort();
                return new Result(queued(envelope.queueId()), "discarded", ruling, new Verdict.Discard());
            }
            target = respool(writer, finalEnvelope, rewritten);
        }
        archives.copy(ruling.archives(), finalEnvelope, target.content());
        boolean quarantine = verdict instanceof Verdict.Quarantine;
        (quarantine ? target.commitToHold() : target.commit()).join();
        return new Result(queued(envelope.queueId()), quarantine ? "quarantined" : "queued", ruling, verdict);
    }

    /** The message again, as the rewriter wrote it (or as it was, for a new route), under the same queue id. */
    private SpoolWriter respool(SpoolWriter original, org.portcullis.gateway.envelope.Envelope envelope, Path rewritten)
            throws IOException {
        Path source = rewritten;
        Path copy = null;
        if (source == null) {
            MessageContent content = original.content();
            copy = Files.createTempFile("portcullis-route-", ".eml");
            try (InputStream in = content.openStream(); OutputStream out = Files.newOutputStream(copy)) {
                in.transferTo(out);
            }
            source = copy;
        }
        try {
            original.abort();
            SpoolWriter writer = spool.begin(envelope);
            try (InputStream in = Files.newInputStream(source)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    writer.write(ByteBuffer.wrap(buffer, 0, n));
                }
            } catch (IOException e) {
                writer.abort();
                throw e;
            }
            return writer;
        } finally {
            if (copy != null) {
                Files.deleteIfExists(copy);
            }
        }
    }

    /** The envelope after the filters' and the policy's envelope changes, and the route. */
    private static org.portcullis.gateway.envelope.Envelope changed(org.portcullis.gateway.envelope.Envelope envelope,
                                                                    RewriteResult rewrite, Optional<String> route) {
        org.portcullis.gateway.envelope.Envelope out = route.map(envelope::withRoute).orElse(envelope);
        if (rewrite == null || rewrite.envelope().isEmpty()) {
            return out;
        }
        var changes = rewrite.envelope();
        Address sender = changes.sender(FilterViews.address(envelope.sender()));
        List<Address> before = envelope.recipients().stream().map(r -> FilterViews.address(r.address())).toList();
        List<Recipient> recipients = new ArrayList<>();
        for (Address address : changes.recipients(before)) {
            int known = before.indexOf(address);
            if (known >= 0) {
                recipients.add(envelope.recipients().get(known));
            } else {
                var params = changes.parameters(address).orElse(java.util.Map.of());
                recipients.add(new Recipient(new MailAddress(address.localPart(), address.domain()),
                        params.get("NOTIFY"), params.get("ORCPT")));
            }
        }
        return out.withSender(sender.isNull() ? MailAddress.NULL_SENDER
                : new MailAddress(sender.localPart(), sender.domain())).withRecipients(recipients);
    }

    private static boolean refuses(Verdict verdict) {
        return verdict instanceof Verdict.Reject || verdict instanceof Verdict.Tempfail;
    }

    private static SmtpReply queued(QueueId id) {
        return SmtpReply.of(250, "2.0.0", "Ok: queued as " + id);
    }
}
