package org.portcullis.gateway.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.portcullis.filter.Address;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.Stage;
import org.portcullis.filter.Verdict;
import org.portcullis.gateway.chain.FilterChain;
import org.portcullis.gateway.chain.FilterOutcome;
import org.portcullis.gateway.chain.PolicyJudge;
import org.portcullis.gateway.chain.SessionFilters;
import org.portcullis.gateway.chain.StageOutcome;
import org.portcullis.gateway.config.ConfigException;
import org.portcullis.gateway.config.GatewayConfig;
import org.portcullis.message.MessageLimits;
import org.portcullis.message.ParsedMessage;
import org.portcullis.policy.Explanation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portcullis policy explain MESSAGE.eml}: one message, with an envelope given on the
 * command line, through the configured chain and policy, stage by stage, and an account of
 * every finding and of the rule that decided — nothing is sent anywhere.
 */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Try the filters and the policy on a message.",
        subcommands = PolicyCommand.Explain.class)
final class PolicyCommand {

    private PolicyCommand() {
    }

    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = {"Run one message through the filter chain and the policy as the gateway would,",
                "and print what each filter found and which rule decided, and why."})
    static final class Explain implements Callable<Integer> {
        @CommandLine.Mixin
        Main.ConfigOption config = new Main.ConfigOption();

        @Parameters(index = "0", paramLabel = "MESSAGE", description = "the message, as an .eml file")
        Path message;

        @Option(names = "--from", paramLabel = "ADDRESS", description = "the envelope sender (default: the From header's address)")
        String from;

        @Option(names = "--to", paramLabel = "ADDRESS", description = "an envelope recipient (default: the To header's address)")
        List<String> to = new ArrayList<>();

        @Option(names = "--client", paramLabel = "IP", defaultValue = "192.0.2.1",
                description = "the sending client's address (default: ${DEFAULT-VALUE}, a stranger)")
        String client;

        @Option(names = "--helo", paramLabel = "NAME", defaultValue = "client.example",
                description = "the HELO name (default: ${DEFAULT-VALUE})")
        String helo;

        @Option(names = "--outbound", description = "as mail from the organisation (the outbound chain)")
        boolean outbound;

        @Override
        public Integer call() {
            PrintStream out = System.out;
            GatewayConfig loaded;
            PolicyJudge judge;
            try {
                loaded = config.load();
                judge = Gateway.judge(loaded);
            } catch (ConfigException e) {
                System.err.println("portcullis: " + e.getMessage());
                return Main.EX_CONFIG;
            }
            if (!Files.isRegularFile(message)) {
                System.err.println("portcullis: no such message file: " + message);
                return Main.EX_USAGE;
            }
            try (FilterChain chain = Gateway.buildChain(loaded, new SimpleMeterRegistry());
                 SessionFilters filters = chain.openSession()) {
                filtersOf = filters;
                return explain(out, chain, filters, judge);
            } catch (ConfigException e) {
                System.err.println("portcullis: " + e.getMessage());
                return Main.EX_CONFIG;
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("portcullis: " + e.getMessage());
                return Main.EX_IOERR;
            }
        }

        private int explain(PrintStream out, FilterChain chain, SessionFilters filters, PolicyJudge judge)
                throws IOException {
            Direction direction = outbound ? Direction.OUTBOUND : Direction.INBOUND;
            Connection connection = new Connection(InetAddress.getByName(client), 40000, Optional.empty(),
                    Optional.of(helo), Optional.empty(), Optional.empty(), outbound);
            Envelope envelope;
            try (ParsedMessage headersOnly = ParsedMessage.parse(stub(connection), message, MessageLimits.DEFAULTS)) {
                Address sender = from != null ? Address.parse(from) : headerAddress(headersOnly.headers().first("From"));
                List<String> recipients = !to.isEmpty() ? to : List.of(headersOnly.headers().first("To")
                        .map(PolicyCommand::angleAddress).orElse("postmaster@example.com"));
                List<Recipient> rcpts = recipients.stream().map(r -> new Recipient(Address.parse(r), Map.of(), direction))
                        .toList();
                envelope = new Envelope("0EXPLAIN0000", connection, sender, Map.of(), rcpts);
            }
            out.println("Message:   " + message + " (" + Files.size(message) + " bytes)");
            out.println("Envelope:  from <" + envelope.sender() + "> to " + envelope.recipients().stream()
                    .map(r -> "<" + r.address() + ">").toList() + ", client " + client + " (" + helo + ")");
            out.println("Chain:     " + direction.name().toLowerCase(java.util.Locale.ROOT) + ": "
                    + (chain.names(direction).isEmpty() ? "no filters" : String.join(", ", chain.names(direction))));
            int rules = judge.policy().ruleNames().size();
            out.println("Policy:    " + judge.policy().source() + " (" + rules + (rules == 1 ? " rule)" : " rules)"));
            out.println();
            // The stages before the data: a refusal there ends the story, as in the dialogue.
            if (refusedEarly(out, judge, Stage.CONNECT, connection, null, Optional.empty(),
                    f -> f.connect(direction, connection))
                    || refusedEarly(out, judge, Stage.HELO, connection, null, Optional.empty(),
                            f -> f.helo(direction, connection))) {
                return 0;
            }
            Envelope atMail = new Envelope(envelope.queueId(), connection, envelope.sender(), Map.of(), List.of());
            if (refusedEarly(out, judge, Stage.MAIL_FROM, connection, atMail, Optional.empty(),
                    f -> f.mailFrom(direction, atMail))) {
                return 0;
            }
            for (Recipient r : envelope.recipients()) {
                if (refusedEarly(out, judge, Stage.RCPT_TO, connection, atMail, Optional.of(r),
                        f -> f.rcptTo(direction, atMail, r))) {
                    return 0;
                }
            }
            try (ParsedMessage parsed = ParsedMessage.parse(envelope, message, MessageLimits.DEFAULTS)) {
                StageOutcome headers = filters.headers(direction, envelope, parsed.headers()).join();
                StageOutcome end = filters.endOfMessage(direction, parsed).join();
                StageOutcome merged = org.portcullis.gateway.chain.MessageStages.reported(headers, end, parsed.findings());
                out.println("End of message:");
                failures(out, merged);
                Explanation explanation = judge.explain(Stage.END_OF_MESSAGE, connection, envelope, Optional.empty(),
                        Optional.of(parsed), merged);
                explanation.lines().forEach(line -> out.println("  " + line));
                var ruling = judge.judge(Stage.END_OF_MESSAGE, connection, envelope, Optional.empty(),
                        Optional.of(parsed), merged);
                out.println();
                out.println("The gateway would: " + describe(ruling.verdict()) + (ruling.mutations().isEmpty() ? ""
                        : ", with " + ruling.mutations().size() + " change(s) to the message")
                        + " (decided by " + ruling.decidedBy() + ")");
            }
            return 0;
        }

        private boolean refusedEarly(PrintStream out, PolicyJudge judge, Stage stage, Connection connection,
                                     Envelope envelope, Optional<Recipient> recipient,
                                     Function<SessionFilters, java.util.concurrent.CompletableFuture<StageOutcome>> run) {
            StageOutcome outcome = run.apply(filtersOf).join();
            var ruling = judge.judge(stage, connection, envelope, recipient, Optional.empty(), outcome);
            boolean said = outcome.outcomes().stream().anyMatch(o -> !o.result().isEmpty() || o.failure().isPresent());
            if (!said && !ruling.refuses()) {
                return false;
            }
            out.println(stageName(stage) + recipient.map(r -> " <" + r.address() + ">").orElse("") + ":");
            failures(out, outcome);
            judge.explain(stage, connection, envelope, recipient, Optional.empty(), outcome).lines()
                    .forEach(line -> out.println("  " + line));
            if (ruling.refuses()) {
                out.println();
                out.println("The gateway would: " + describe(ruling.verdict()) + " at " + stageName(stage)
                        + " (decided by " + ruling.decidedBy() + ")");
                return true;
            }
            out.println();
            return false;
        }

        private SessionFilters filtersOf;
    }

    private static String describe(Verdict verdict) {
        return switch (verdict) {
            case Verdict.Continue c -> "accept and deliver";
            case Verdict.Accept a -> "accept and deliver";
            case Verdict.Reject r -> "refuse it: " + r.code() + " " + r.enhancedCode() + " " + r.text();
            case Verdict.Tempfail t -> "refuse it for now: " + t.code() + " " + t.enhancedCode() + " " + t.text();
            case Verdict.Discard d -> "accept it and drop it";
            case Verdict.Quarantine q -> "accept it and hold it in the quarantine: " + q.reason();
        };
    }

    private static String stageName(Stage stage) {
        return switch (stage) {
            case CONNECT -> "Connect";
            case HELO -> "HELO";
            case MAIL_FROM -> "MAIL FROM";
            case RCPT_TO -> "RCPT TO";
            case HEADERS -> "Headers";
            case END_OF_MESSAGE -> "End of message";
        };
    }

    private static void failures(PrintStream out, StageOutcome outcome) {
        for (FilterOutcome o : outcome.outcomes()) {
            o.failure().ifPresent(why -> out.println("  filter " + o.filter() + " FAILED: " + why));
        }
    }

    private static Envelope stub(Connection connection) {
        return new Envelope("0EXPLAIN0000", connection, Address.NULL, Map.of(), List.of());
    }

    private static Address headerAddress(Optional<String> header) {
        return header.map(PolicyCommand::angleAddress).map(Address::parse).orElse(Address.NULL);
    }

    /** The address in {@code Name <a@b>} or a bare {@code a@b}. */
    private static String angleAddress(String header) {
        int open = header.indexOf('<');
        int close = header.indexOf('>', open + 1);
        String text = open >= 0 && close > open ? header.substring(open + 1, close) : header.strip().split("[\\s,]")[0];
        return text.contains("@") ? text : "postmaster@example.com";
    }
}
