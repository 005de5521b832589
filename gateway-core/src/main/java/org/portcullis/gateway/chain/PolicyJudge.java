package org.portcullis.gateway.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.Stage;
import org.portcullis.message.AttachmentStrip;
import org.portcullis.message.Disclaimer;
import org.portcullis.message.SubjectTag;
import org.portcullis.policy.Action;
import org.portcullis.policy.Decision;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.Policy;
import org.portcullis.policy.PolicyInput;
import org.portcullis.policy.Report;

/**
 * The site's policy as the gateway's judge: the filters' outcomes become the policy's reports,
 * and its decision becomes a ruling — the verdict, the filters' mutations followed by the
 * policy's own changes (tag, header, strip, disclaimer, BCC, redirect), archives and a route.
 */
public final class PolicyJudge implements Judge {

    private final Policy policy;

    public PolicyJudge(Policy policy) {
        this.policy = policy;
    }

    public Policy policy() {
        return policy;
    }

    @Override
    public Ruling judge(Stage stage, Connection connection, Envelope envelope, Optional<Recipient> recipient,
                        Optional<MessageView> message, StageOutcome outcome) {
        Decision decision = policy.decide(input(stage, connection, envelope, recipient, message, outcome));
        List<Mutation> mutations = new ArrayList<>(outcome.mutations());
        List<String> archives = new ArrayList<>();
        Optional<String> route = Optional.empty();
        for (Action action : decision.actions()) {
            switch (action) {
                case Action.TagSubject tag -> message.flatMap(m -> SubjectTag.tag(m, tag.prefix())).ifPresent(mutations::add);
                case Action.AddHeader header -> mutations.add(new Mutation.AddHeader(header.name(), header.value()));
                case Action.StripAttachments strip -> message.ifPresent(m -> strip.parts().forEach(part ->
                        mutations.add(AttachmentStrip.strip(m, part, strip.notice()))));
                case Action.AppendDisclaimer disclaimer -> message.ifPresent(m -> mutations.addAll(disclaimer(m,
                        disclaimer.text())));
                case Action.CopyToArchive archive -> archives.add(archive.archive());
                case Action.Bcc bcc -> mutations.add(new Mutation.AddRecipient(bcc.address(), Map.of()));
                case Action.Redirect redirect -> mutations.add(new Mutation.Redirect(redirect.recipients()));
                case Action.Route r -> route = Optional.of(r.route());
            }
        }
        String decidedBy = decision.decidingRule().map(rule -> "rule '" + rule + "'")
                .orElseGet(() -> Ruling.of(outcome).decidedBy());
        return new Ruling(decision.verdict(), mutations, archives, route, decidedBy);
    }

    /** The policy's account of a decision, for {@code portcullis policy explain}. */
    public Explanation explain(Stage stage, Connection connection, Envelope envelope, Optional<Recipient> recipient,
                               Optional<MessageView> message, StageOutcome outcome) {
        return policy.explain(input(stage, connection, envelope, recipient, message, outcome));
    }

    /** Only a policy with rules that can match without findings (headers, sizes, none found) reads every message. */
    @Override
    public boolean needsMessage() {
        return policy.readsMessagesWithoutFindings();
    }

    @Override
    public boolean readsParseFindings() {
        return policy.readsParseFindings();
    }

    private static PolicyInput input(Stage stage, Connection connection, Envelope envelope,
                                     Optional<Recipient> recipient, Optional<MessageView> message,
                                     StageOutcome outcome) {
        List<Report> reports = outcome.outcomes().stream()
                .map(o -> new Report(o.filter(), o.result().findings(), o.result().verdict())).toList();
        return new PolicyInput(stage, connection, envelope, recipient, message.map(MessageView::headers),
                message.map(MessageView::size).orElse(-1L), reports);
    }

    private static List<Mutation> disclaimer(MessageView message, String text) {
        try {
            return Disclaimer.append(message, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the message to append a disclaimer", e);
        }
    }
}
