package org.portcullis.gateway.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Stage;
import org.portcullis.filter.StageResult;
import org.portcullis.filter.Verdict;
import org.portcullis.message.ParsedMessage;

/**
 * The message's two stages, the same wherever a message comes from (the SMTP server's spool, or
 * an MTA through the milter server): the headers stage and its ruling, and unless that refused,
 * the end-of-message stage, judged on everything the filters said at both, with what the parser
 * noticed reported as the gateway's own {@code mime} findings (when the tree was parsed, for a
 * filter or because the policy tests those findings).
 */
public final class MessageStages {

    private MessageStages() {
    }

    /**
     * Runs both stages on the calling thread (waiting for the filters) and returns the ruling.
     *
     * @param view the envelope as the filters see it
     */
    public static Ruling judge(Gate gate, SessionFilters filters, Direction direction, Envelope view,
                               ParsedMessage message) {
        StageOutcome headers = filters.isEmpty(direction) ? StageOutcome.empty(Stage.HEADERS)
                : filters.headers(direction, view, message.headers()).join();
        Ruling ruling = gate.judge().judge(Stage.HEADERS, view.connection(), view, Optional.empty(), Optional.of(message),
                headers);
        if (ruling.refuses()) {
            return ruling;
        }
        StageOutcome end = filters.isEmpty(direction) ? StageOutcome.empty(Stage.END_OF_MESSAGE)
                : filters.endOfMessage(direction, message).join();
        // The tree is parsed when a filter asked for it or the policy tests what parsing notices;
        // a chain of milters alone streams the raw message and never has it parsed.
        List<Finding> problems = message.treeParsed() || gate.judge().readsParseFindings()
                ? message.findings() : List.of();
        return gate.judge().judge(Stage.END_OF_MESSAGE, view.connection(), view, Optional.empty(),
                Optional.of(message), reported(headers, end, problems));
    }

    /**
     * What the policy is told at the end of the message: the headers stage's reports that say
     * something, the end of the message's, and the parser's problems as the gateway's own.
     */
    public static StageOutcome reported(StageOutcome headers, StageOutcome end, List<Finding> problems) {
        return withParseFindings(merge(headers, end), problems);
    }

    /** The stricter of a verdict said before the data (discard or quarantine at MAIL or RCPT) and the message's own. */
    public static Verdict strictest(Verdict early, Verdict now) {
        return early != null && Verdict.severity(early) > Verdict.severity(now) ? early : now;
    }

    /** The headers stage's reports that say something, then the end of the message's. */
    private static StageOutcome merge(StageOutcome headers, StageOutcome end) {
        List<FilterOutcome> all = new ArrayList<>(headers.outcomes().stream()
                .filter(o -> !o.result().isEmpty() || o.failure().isPresent()).toList());
        all.addAll(end.outcomes());
        return new StageOutcome(Stage.END_OF_MESSAGE, all);
    }

    /** What the parser noticed (limits tripped, broken MIME) goes to the policy as the gateway's own findings. */
    private static StageOutcome withParseFindings(StageOutcome outcome, List<Finding> problems) {
        if (problems.isEmpty()) {
            return outcome;
        }
        List<FilterOutcome> all = new ArrayList<>(outcome.outcomes());
        all.add(new FilterOutcome("mime", new StageResult(problems, Optional.empty(), List.of()), Optional.empty()));
        return new StageOutcome(outcome.stage(), all);
    }
}
