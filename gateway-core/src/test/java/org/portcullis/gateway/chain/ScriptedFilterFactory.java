package org.portcullis.gateway.chain;

import java.time.Duration;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.FilterConfig;
import org.portcullis.filter.FilterConfigException;
import org.portcullis.filter.FilterFactory;
import org.portcullis.filter.Finding;
import org.portcullis.filter.MailFilter;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.StageResult;
import org.portcullis.filter.Verdict;

/**
 * A filter for the chain's own tests, found by ServiceLoader like any plug-in (type
 * {@code scripted}); what it does is set in its configuration.
 */
public final class ScriptedFilterFactory implements FilterFactory {

    @Override
    public String type() {
        return "scripted";
    }

    @Override
    public MailFilter create(FilterConfig config) throws FilterConfigException {
        String rejectHelo = config.string("reject_helo", "");
        String rejectConnectFrom = config.string("reject_client", "");
        String rejectRcpt = config.string("reject_rcpt", "");
        boolean fail = config.bool("fail", false);
        Duration sleep = config.duration("sleep", Duration.ZERO);
        // Sleeps through interrupts too: a filter that does not stop when its time is up.
        boolean stubborn = config.bool("stubborn", false);
        String finding = config.string("finding", "");
        String addHeader = config.string("add_header", "");
        String verdict = config.string("verdict", "");
        if (!verdict.isEmpty() && !verdict.equals("quarantine") && !verdict.equals("discard")
                && !verdict.equals("reject")) {
            throw config.error("verdict", "must be quarantine, discard or reject");
        }
        return new MailFilter() {
            @Override
            public StageResult onConnect(Connection connection) {
                return connection.address().getHostAddress().equals(rejectConnectFrom)
                        ? StageResult.verdict(new Verdict.Reject(554, "5.7.1", "go away")) : StageResult.proceed();
            }

            @Override
            public StageResult onHelo(Connection connection) {
                return connection.helo().orElse("").equals(rejectHelo)
                        ? StageResult.verdict(Verdict.reject("HELO name refused")) : StageResult.proceed();
            }

            @Override
            public StageResult onMailFrom(Envelope envelope) {
                if (fail) {
                    throw new IllegalStateException("scripted failure");
                }
                if (stubborn) {
                    sleepThrough(sleep);
                } else {
                    pause(sleep);
                }
                return StageResult.proceed();
            }

            @Override
            public StageResult onRcptTo(Envelope envelope, Recipient recipient) {
                return recipient.address().toString().equals(rejectRcpt)
                        ? StageResult.verdict(new Verdict.Reject(550, "5.1.1", "no such user here"))
                        : StageResult.proceed();
            }

            @Override
            public StageResult onEndOfMessage(MessageView message) {
                StageResult result = StageResult.proceed();
                if (!finding.isEmpty()) {
                    int eq = finding.indexOf('=');
                    result = result.withFinding(Finding.of(finding.substring(0, eq), finding.substring(eq + 1)));
                }
                if (!addHeader.isEmpty()) {
                    int colon = addHeader.indexOf(':');
                    result = result.withMutation(new Mutation.AddHeader(addHeader.substring(0, colon),
                            addHeader.substring(colon + 1).strip()));
                }
                return switch (verdict) {
                    case "quarantine" -> result.withVerdict(Verdict.quarantine("scripted"));
                    case "discard" -> result.withVerdict(Verdict.discard());
                    case "reject" -> result.withVerdict(Verdict.reject("scripted rejection"));
                    default -> result;
                };
            }
        };
    }

    private static void sleepThrough(Duration sleep) {
        long end = System.nanoTime() + sleep.toNanos();
        boolean interrupted = false;
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            try {
                Thread.sleep(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(Duration sleep) {
        if (!sleep.isZero()) {
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
