package org.portcullis.filter.testkit;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.portcullis.filter.Finding;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.Stage;
import org.portcullis.filter.Verdict;
import org.portcullis.message.EnvelopeChanges;
import org.portcullis.message.ParseProblem;
import org.portcullis.message.RewriteResult;

/**
 * What a chain did to one message in the harness: every answer, the findings, the verdict that
 * stands, the mutations, and the message as it leaves with the mutations applied.
 */
public final class HarnessResult {

    private final List<StageOutcome> outcomes;
    private final List<Recipient> accepted;
    private final List<Recipient> refused;
    private final Optional<Verdict> stoppedBy;
    private final Optional<Stage> stoppedAt;
    private final List<ParseProblem> parseProblems;
    private final byte[] bytes;
    private final MessageView message;
    private final RewriteResult rewrite;

    HarnessResult(ChainRun run, List<ParseProblem> parseProblems, byte[] bytes, MessageView message, RewriteResult rewrite) {
        this.outcomes = run.outcomes();
        this.accepted = run.accepted();
        this.refused = run.refused();
        this.stoppedBy = run.stoppedBy();
        this.stoppedAt = run.stoppedAt();
        this.parseProblems = List.copyOf(parseProblems);
        this.bytes = bytes;
        this.message = message;
        this.rewrite = rewrite;
    }

    /** Every finding of every filter, in the order found (stage by stage, in chain order). */
    public List<Finding> findings() {
        return outcomes.stream().flatMap(o -> o.result().findings().stream()).toList();
    }

    /** The names of {@link #findings()}: {@code assertThat(result.findingNames()).containsExactly("virus")}. */
    public List<String> findingNames() {
        return findings().stream().map(Finding::name).toList();
    }

    /**
     * The verdict that stands: the one that ended the transaction, else the strictest any filter
     * proposed ({@link Verdict#severity}); empty when no filter proposed one. A recipient refused
     * at RCPT while others went on is in {@link #refusedRecipients()}, not here.
     */
    public Optional<Verdict> verdict() {
        if (stoppedBy.isPresent()) {
            return stoppedBy;
        }
        return outcomes.stream()
                .filter(o -> !(o.stage() == Stage.RCPT_TO
                        && o.result().verdict().filter(v -> v instanceof Verdict.Reject || v instanceof Verdict.Tempfail).isPresent()))
                .flatMap(o -> o.result().verdict().stream())
                .filter(v -> !(v instanceof Verdict.Continue))
                .max(Comparator.comparingInt(Verdict::severity));
    }

    /** Where a reject, tempfail or discard ended the transaction; empty when the message went through. */
    public Optional<Stage> stoppedAt() {
        return stoppedAt;
    }

    /** The stage at which a finding of that name was first made. */
    public Optional<Stage> stageOf(String findingName) {
        return outcomes.stream()
                .filter(o -> o.result().findings().stream().anyMatch(f -> f.name().equals(findingName)))
                .map(StageOutcome::stage).findFirst();
    }

    /** The stage at which this finding was made. */
    public Optional<Stage> stageOf(Finding finding) {
        return outcomes.stream().filter(o -> o.result().findings().contains(finding)).map(StageOutcome::stage).findFirst();
    }

    /** The mutations proposed at the end of the message, in chain order: what the gateway applies. */
    public List<Mutation> mutations() {
        return outcomes.stream().filter(o -> o.stage() == Stage.END_OF_MESSAGE)
                .flatMap(o -> o.result().mutations().stream()).toList();
    }

    /** The message after the mutations, parsed again. */
    public MessageView message() {
        return message;
    }

    /** The bytes of the message after the mutations (CRLF). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The envelope changes among the mutations, for the queued envelope. */
    public EnvelopeChanges envelopeChanges() {
        return rewrite.envelope();
    }

    /** Mutations the rewriter could not apply, with the reason. */
    public List<String> notApplied() {
        return rewrite.notApplied();
    }

    public List<Recipient> acceptedRecipients() {
        return accepted;
    }

    public List<Recipient> refusedRecipients() {
        return refused;
    }

    /** Every answer, stage by stage. */
    public List<StageOutcome> outcomes() {
        return outcomes;
    }

    /** What the parser noted about the input message (limits, malformed MIME). */
    public List<ParseProblem> parseProblems() {
        return parseProblems;
    }
}
