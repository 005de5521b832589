package org.portcullis.gateway.smtp;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Stage;
import org.portcullis.filter.Verdict;
import org.portcullis.gateway.chain.Ruling;
import org.portcullis.gateway.envelope.MailAddress;
import org.portcullis.gateway.envelope.MailParameters;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.envelope.Recipient;
import org.portcullis.gateway.log.EventLog;
import org.portcullis.gateway.relay.RelayDecision;
import org.portcullis.gateway.spool.SpoolWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mail transaction of a session: MAIL FROM, the RCPTs, and the content by DATA or BDAT,
 * streamed into the spool. "250 queued" is said only after the spool has committed the message.
 */
final class MailTransaction {

    private static final Logger LOG = LoggerFactory.getLogger("smtpd");

    private final SmtpSession session;
    private final SmtpServerContext context;
    private final SmtpMetrics metrics;
    private final EnvelopeArguments arguments;
    private QueueId queueId;
    private MailAddress sender;
    private MailParameters parameters;
    private final List<Recipient> recipients = new ArrayList<>();
    private final Set<String> recipientKeys = new HashSet<>();
    private final List<org.portcullis.filter.Recipient> recipientViews = new ArrayList<>();
    private java.util.Map<String, String> senderParameters = java.util.Map.of();
    /** Discard or quarantine, said at MAIL or RCPT, applied at the end of the message. */
    private Verdict early;
    private MessageReceiver receiver;
    private ContentDecoder decoder;
    private boolean chunked;
    private boolean lastChunk;
    private long chunkSize;
    /** A BDAT chunk that is read only to be dropped, and the reply to give when it ends. */
    private SmtpReply chunkRefusal;
    private boolean committing;
    /** The envelope the message is spooled under. */
    private org.portcullis.gateway.envelope.Envelope spooled;

    MailTransaction(SmtpSession session, SmtpServerContext context, SmtpMetrics metrics) {
        this.session = session;
        this.context = context;
        this.metrics = metrics;
        this.arguments = new EnvelopeArguments(context.paths(), context.config().maxMessageSize());
    }

    boolean hasSender() {
        return sender != null;
    }

    QueueId queueId() {
        return queueId;
    }

    // ---- MAIL / RCPT ----------------------------------------------------------------------

    void mail(String argument) {
        if (sender != null) {
            session.reply(503, "5.5.1", "Error: nested MAIL command");
            return;
        }
        if (!argument.regionMatches(true, 0, "FROM:", 0, 5)) {
            session.reply(501, "5.5.4", "Syntax: MAIL FROM:<address>");
            return;
        }
        switch (arguments.mail(argument.substring(5))) {
            case EnvelopeArguments.Mail.Refused refused -> refuse("MAIL", null, refused.reply());
            case EnvelopeArguments.Mail.Ok ok -> {
                var refusal = context.relay().checkSender(ok.sender(), session.clientAddress().getAddress(),
                        session.authUser());
                if (refusal.isPresent()) {
                    var r = refusal.get();
                    refuse("MAIL", ok.sender(), SmtpReply.of(r.code(), r.enhancedCode(), r.text()));
                    return;
                }
                sender = ok.sender();
                parameters = ok.parameters();
                senderParameters = ok.raw();
                queueId = context.queueIds().next();
                EventLog.info(LOG, queueId, "from", "session", session.sessionId(), "client", session.clientText(),
                        "from", "<" + sender + ">", "size", ok.declaredSize() < 0 ? "-" : ok.declaredSize());
                Envelope view = view();
                session.gate().run(Stage.MAIL_FROM, session.direction(), view.connection(), view, Optional.empty(),
                        Optional.empty(), filters -> filters.mailFrom(session.direction(), view), ruling -> {
                            if (ruling.refuses()) {
                                session.refused("MAIL", ruling);
                                session.send(SessionGate.reply(ruling.verdict()));
                                session.resetTransaction();
                            } else {
                                remember(ruling);
                                session.reply(250, "2.1.0", "Ok");
                            }
                        });
            }
        }
    }

    void rcpt(String argument) {
        if (receiver != null) {
            session.reply(503, "5.5.1", "Error: RCPT after the message data began");
            return;
        }
        if (!argument.regionMatches(true, 0, "TO:", 0, 3)) {
            session.reply(501, "5.5.4", "Syntax: RCPT TO:<address>");
            return;
        }
        if (recipients.size() >= context.config().maxRecipients()) {
            metrics.limit(SmtpMetrics.Limit.RECIPIENTS);
            refuse("RCPT", null, SmtpReply.of(452, "4.5.3", "Error: too many recipients"));
            return;
        }
        switch (arguments.rcpt(argument.substring(3), parameters.smtpUtf8())) {
            case EnvelopeArguments.Rcpt.Refused refused -> refuse("RCPT", null, refused.reply());
            case EnvelopeArguments.Rcpt.Ok ok -> {
                MailAddress address = ok.recipient().address();
                var decision = context.relay().checkRecipient(address, session.clientAddress().getAddress(),
                        session.authUser());
                switch (decision) {
                    case RelayDecision.Refuse r -> refuse("RCPT", address, SmtpReply.of(r.code(), r.enhancedCode(), r.text()));
                    case RelayDecision.Accept accept -> {
                        var candidate = new org.portcullis.filter.Recipient(FilterViews.address(address), ok.raw(),
                                accept.direction() == RelayDecision.Direction.OUTBOUND
                                        ? org.portcullis.filter.Direction.OUTBOUND : org.portcullis.filter.Direction.INBOUND);
                        Envelope view = view();
                        session.gate().run(Stage.RCPT_TO, session.direction(), view.connection(), view,
                                Optional.of(candidate), Optional.empty(),
                                filters -> filters.rcptTo(session.direction(), view, candidate), ruling -> {
                                    if (ruling.refuses()) {
                                        refuse("RCPT", address, SessionGate.reply(ruling.verdict()));
                                        return;
                                    }
                                    remember(ruling);
                                    if (recipientKeys.add(address.localPart() + "@" + address.domainKey())) {
                                        recipients.add(ok.recipient());
                                        recipientViews.add(candidate);
                                    }
                                    EventLog.info(LOG, queueId, "to", "session", session.sessionId(),
                                            "to", "<" + address + ">", "direction",
                                            accept.direction().name().toLowerCase(java.util.Locale.ROOT));
                                    session.reply(250, "2.1.5", "Ok");
                                });
                    }
                }
            }
        }
    }

    /** The envelope as the filters see it now. */
    Envelope view() {
        return new Envelope(queueId.value(), session.filterConnection(), FilterViews.address(sender), senderParameters,
                recipientViews);
    }

    /** A discard or quarantine said before the data counts for the whole message. */
    private void remember(Ruling ruling) {
        if (ruling.verdict() instanceof Verdict.Discard || ruling.verdict() instanceof Verdict.Quarantine) {
            if (early == null || Verdict.severity(ruling.verdict()) > Verdict.severity(early)) {
                early = ruling.verdict();
            }
        }
    }

    private void refuse(String stage, MailAddress address, SmtpReply reply) {
        EventLog.warn(LOG, queueId, "reject", "session", session.sessionId(), "client", session.clientText(),
                "stage", stage, "from", sender == null ? "-" : "<" + sender + ">",
                "address", address == null ? "-" : "<" + address + ">", "reply", reply.toString());
        session.send(reply);
    }

    // ---- DATA / BDAT ----------------------------------------------------------------------

    void data(String argument) {
        if (chunked) {
            session.reply(503, "5.5.1", "Error: DATA after BDAT");
        } else if (!argument.isBlank()) {
            session.reply(501, "5.5.4", "Syntax: DATA");
        } else if (recipients.isEmpty()) {
            session.reply(554, "5.5.1", "Error: no valid recipients");
        } else if (!begin()) {
            session.send(storageFull());
            session.resetTransaction();
        } else {
            decoder = ContentDecoder.forData();
            session.send(new SmtpReply(354, null, List.of("End data with <CR><LF>.<CR><LF>")));
            session.framer().expectData(decoder);
            session.clock().inData(true);
        }
    }

    /** @param heloSeen whether the session has greeted: BDAT is framed even when refused */
    void bdat(String argument, boolean heloSeen) {
        String[] parts = argument.strip().split(" +");
        boolean last = parts.length == 2 && parts[1].equalsIgnoreCase("LAST");
        if (parts.length > 2 || (parts.length == 2 && !last) || !parts[0].matches("\\d{1,18}")) {
            session.reply(501, "5.5.4", "Syntax: BDAT size [LAST]");
            return;
        }
        long size = Long.parseLong(parts[0]);
        chunkSize = size;
        lastChunk = last;
        SmtpReply refusal = !heloSeen ? SmtpReply.of(503, "5.5.1", "Error: send HELO/EHLO first")
                : sender == null ? SmtpReply.of(503, "5.5.1", "Error: need MAIL command")
                : recipients.isEmpty() ? SmtpReply.of(554, "5.5.1", "Error: no valid recipients")
                : null;
        if (refusal == null && receiver == null) {
            if (!begin()) {
                refusal = storageFull();
            } else {
                chunked = true;
                decoder = ContentDecoder.forChunks();
            }
        }
        if (refusal == null && receiver.received() + size > context.config().maxMessageSize()) {
            metrics.limit(SmtpMetrics.Limit.MESSAGE_SIZE);
            refusal = SmtpReply.of(552, "5.3.4", "Message size exceeds fixed limit of "
                    + context.config().maxMessageSize() + " octets");
        }
        chunkRefusal = refusal;
        if (size == 0) {
            contentEnd(true);
            return;
        }
        session.framer().expectChunk(size, refusal == null ? decoder : ContentDecoder.forChunks());
        session.clock().inData(true);
    }

    void content(ByteBuf bytes) {
        if (receiver == null || chunkRefusal != null) {
            bytes.release();
        } else {
            receiver.accept(bytes);
        }
    }

    void contentEnd(boolean chunk) {
        session.clock().inData(false);
        if (chunkRefusal != null) {
            SmtpReply refusal = chunkRefusal;
            chunkRefusal = null;
            refuse("BDAT", null, refusal);
            session.resetTransaction();
            return;
        }
        if (chunk && !lastChunk) {
            Optional<SmtpReply> failed = failureReply();
            if (failed.isPresent()) {
                refuse("BDAT", null, failed.get());
                session.resetTransaction();
            } else {
                session.reply(250, "2.0.0", "Ok: " + chunkSize + " octets received");
            }
            return;
        }
        if (chunk) {
            ByteBuf rest = io.netty.buffer.Unpooled.buffer(2);
            decoder.finish(rest);
            receiver.accept(rest);
        }
        metrics.bareLineEnds.increment(decoder.bareLineEnds());
        Optional<SmtpReply> failed = failureReply();
        if (failed.isPresent()) {
            refuse(chunk ? "BDAT" : "DATA", null, failed.get());
            session.resetTransaction();
            return;
        }
        finishMessage();
    }

    private Optional<SmtpReply> failureReply() {
        return switch (receiver.failure()) {
            case NONE -> Optional.empty();
            case TOO_BIG -> {
                metrics.limit(SmtpMetrics.Limit.MESSAGE_SIZE);
                yield Optional.of(SmtpReply.of(552, "5.3.4", "Message size exceeds fixed limit of "
                        + context.config().maxMessageSize() + " octets"));
            }
            case HEADER_TOO_BIG -> {
                metrics.limit(SmtpMetrics.Limit.HEADER_SIZE);
                yield Optional.of(SmtpReply.of(552, "5.3.4", "Message header section exceeds fixed limit of "
                        + context.config().maxHeaderSize() + " octets"));
            }
            case SPOOL_FAILED -> {
                spoolProblem(receiver.spoolError());
                yield Optional.of(storageFull());
            }
        };
    }

    /** Opens the spool file and writes our Received header; false when the spool cannot take it. */
    private boolean begin() {
        var envelope = new org.portcullis.gateway.envelope.Envelope(queueId, sender, recipients, parameters,
                session.clientInfo(parameters.smtpUtf8()), context.clock().instant());
        SpoolWriter writer;
        try {
            writer = context.spool().begin(envelope);
        } catch (IOException e) {
            spoolProblem(e);
            return false;
        }
        spooled = envelope;
        receiver = new MessageReceiver(writer, context.config().maxMessageSize(), context.config().maxHeaderSize());
        receiver.prepend(ReceivedHeader.of(envelope, context.hostname(), context.clock().getZone()));
        return true;
    }

    /** The filters and the policy have their say; then the message is committed, held, dropped or refused. */
    private void finishMessage() {
        org.portcullis.filter.Direction direction = session.direction();
        if (!session.gate().needsMessage(direction)) {
            if (early instanceof Verdict.Discard) {
                receiver.abort();
                EventLog.info(LOG, queueId, "discarded", "session", session.sessionId(), "from", "<" + sender + ">");
                session.reply(250, "2.0.0", "Ok: queued as " + queueId);
                session.resetTransaction();
                return;
            }
            commit(early instanceof Verdict.Quarantine);
            return;
        }
        committing = true;
        long started = System.nanoTime();
        long size = receiver.received();
        EndOfData end = new EndOfData(session.gate().gate(), session.gate().filters(), context.spool(),
                context.archives());
        Envelope view = view();
        var envelope = spooled;
        var writer = receiver.writer();
        Verdict said = early;
        var result = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return end.run(direction, envelope, view, writer, said);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Thread::startVirtualThread).whenComplete((r, error) -> {
            if (error != null) {
                writer.abort();
            }
        });
        session.awaitThen(result.handle((r, error) -> {
            if (error != null) {
                spoolProblem(error.getCause() != null ? error.getCause() : error);
            }
            return r;
        }), r -> {
            if (r == null) {
                session.send(SmtpReply.of(451, "4.3.0", "Requested action aborted: error in processing"));
            } else {
                ended(r, size, started);
            }
            session.resetTransaction();
        });
    }

    private void ended(EndOfData.Result r, long size, long started) {
        switch (r.event()) {
            case "reject" -> {
                EventLog.warn(LOG, queueId, "reject", "session", session.sessionId(), "client", session.clientText(),
                        "stage", "DATA", "from", "<" + sender + ">", "reply", r.reply().toString(),
                        "decided_by", r.ruling().decidedBy());
                session.send(r.reply());
                return;
            }
            case "discarded" -> EventLog.info(LOG, queueId, "discarded", "session", session.sessionId(),
                    "from", "<" + sender + ">", "decided_by", r.ruling().decidedBy());
            default -> {
                metrics.commit.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                metrics.messagesAccepted.increment();
                metrics.bytesReceived.increment(size);
                EventLog.info(LOG, queueId, r.event(), "session", session.sessionId(), "from", "<" + sender + ">",
                        "size", size, "nrcpt", recipients.size(), "client", session.clientText(),
                        "decided_by", r.ruling().decidedBy(),
                        "reason", r.verdict() instanceof Verdict.Quarantine q ? q.reason() : "-");
            }
        }
        session.send(r.reply());
    }

    private void commit(boolean hold) {
        committing = true;
        long started = System.nanoTime();
        long size = receiver.received();
        var writer = receiver.writer();
        var outcome = (hold ? writer.commitToHold() : writer.commit()).handle((ok, error) -> Optional.ofNullable(error));
        session.awaitThen(outcome, error -> {
            if (error == null || error.isPresent()) {
                spoolProblem(error == null ? null : error.get());
                session.send(storageFull());
            } else {
                metrics.commit.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                metrics.messagesAccepted.increment();
                metrics.bytesReceived.increment(size);
                EventLog.info(LOG, queueId, hold ? "quarantined" : "queued", "session", session.sessionId(),
                        "from", "<" + sender + ">", "size", size, "nrcpt", recipients.size(),
                        "client", session.clientText());
                session.reply(250, "2.0.0", "Ok: queued as " + queueId);
            }
            session.resetTransaction();
        });
    }

    private void spoolProblem(Throwable error) {
        metrics.spoolFailures.increment();
        EventLog.warn(LOG, queueId, "spool_error", "session", session.sessionId(),
                "error", error == null ? "unknown" : String.valueOf(error.getMessage()));
    }

    private static SmtpReply storageFull() {
        return SmtpReply.of(452, "4.3.1", "Insufficient system storage, try again later");
    }

    /** Throws away a message not (yet) committed. */
    void abort() {
        if (receiver != null && !committing) {
            receiver.abort();
        }
    }
}
