package org.portcullis.filter.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.FilterConfig;
import org.portcullis.filter.FilterConfigException;
import org.portcullis.filter.FilterFactory;
import org.portcullis.filter.MailFilter;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.Mutation;
import org.portcullis.message.MessageLimits;
import org.portcullis.message.MessageRewriter;
import org.portcullis.message.ParsedMessage;
import org.portcullis.message.RewriteResult;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Runs filters on {@code .eml} files as the gateway does, for the tests of filter authors:
 *
 * <pre>{@code
 * var result = FilterHarness.run(new SubjectMatchFilter(config("match: (?i)invoice")), corpus("invoice-phish.eml"));
 * assertThat(result.findingNames()).containsExactly("subject.match");
 * }</pre>
 *
 * The message is parsed by the gateway's own parser (module {@code portcullis-message}), every
 * stage is called in order (connect, helo, mail, each rcpt, headers, end of message) on a
 * session instance ({@link MailFilter#forSession()}) of each filter, and the mutations are
 * applied by the gateway's rewriter. An exception from a filter is not caught: in the gateway
 * it would be a failure of the filter (tempfail, or accept if the admin chose fail-open), in a
 * test it should fail the test. Timeouts are the gateway's and are not applied here.
 */
public final class FilterHarness {

    /** The gateway's limits, with contents kept on the heap: test messages are small. */
    private static final MessageLimits LIMITS = MessageLimits.DEFAULTS.withMemoryBudget(64L * 1024 * 1024);
    private static final String CORPUS = "test-corpus";

    private FilterHarness() {
    }

    /** Runs one filter on a message with the {@link Envelopes#standard() standard envelope}. */
    public static HarnessResult run(MailFilter filter, Path eml) {
        return run(List.of(filter), eml, Envelopes.standard());
    }

    public static HarnessResult run(MailFilter filter, Path eml, Envelope envelope) {
        return run(List.of(filter), eml, envelope);
    }

    /** Runs a chain, in order, on a message sent with {@code envelope}. */
    public static HarnessResult run(List<MailFilter> chain, Path eml, Envelope envelope) {
        List<MailFilter> sessions = chain.stream().map(MailFilter::forSession).toList();
        try (ParsedMessage original = ParsedMessage.parse(envelope, eml, LIMITS)) {
            ChainRun run = new ChainRun(sessions);
            run.run(envelope, original.headers(), data -> new WithEnvelope(original, data));
            List<Mutation> mutations = run.outcomes().stream()
                    .filter(o -> o.stage() == org.portcullis.filter.Stage.END_OF_MESSAGE)
                    .flatMap(o -> o.result().mutations().stream()).toList();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            RewriteResult rewrite = new MessageRewriter(LIMITS).rewrite(original, mutations, out);
            MessageView after = reparse(out.toByteArray(), envelope);
            return new HarnessResult(run, original.problems(), out.toByteArray(), after, rewrite);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the chain on " + eml, e);
        } finally {
            for (int i = 0; i < sessions.size(); i++) {
                if (sessions.get(i) != chain.get(i)) {
                    sessions.get(i).close();
                }
            }
        }
    }

    /**
     * A filter's configuration from YAML, as the admin would write its section:
     * {@code config("match: (?i)invoice")}.
     */
    public static FilterConfig config(String yaml) {
        return config("test-filter", yaml);
    }

    /** A configuration for the filter named {@code name} in the chain. */
    public static FilterConfig config(String name, String yaml) {
        Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        if (loaded == null) {
            return FilterConfig.of(name, Map.of());
        }
        if (!(loaded instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("a filter's configuration is a section of settings, not: " + yaml);
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> section = (Map<String, ?>) map;
        return FilterConfig.of(name, section);
    }

    /**
     * Makes a filter with its factory, as the gateway does at start, and fails on settings the
     * factory never read: the gateway reports those as misspellings.
     */
    public static MailFilter create(FilterFactory factory, String yaml) throws FilterConfigException {
        FilterConfig config = config(factory.type(), yaml);
        MailFilter filter = factory.create(config);
        if (!config.unreadKeys().isEmpty()) {
            throw new IllegalArgumentException("settings " + factory.type() + " never read (misspelt?): " + config.unreadKeys());
        }
        return filter;
    }

    /**
     * A message of the repository's {@code test-corpus/}, found from the working directory of
     * any module (or from the directory the system property {@code portcullis.test.corpus} names).
     */
    public static Path corpus(String name) {
        Path dir = corpusDirectory();
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + name + " in " + dir + "; there are: " + names(dir));
        }
        return file;
    }

    private static Path corpusDirectory() {
        String configured = System.getProperty("portcullis.test.corpus");
        if (configured != null) {
            return Path.of(configured);
        }
        List<Path> tried = new ArrayList<>();
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve(CORPUS);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            tried.add(candidate);
        }
        throw new IllegalStateException("no " + CORPUS + "/ directory in " + tried
                + "; run from inside the repository or set -Dportcullis.test.corpus=DIR");
    }

    private static List<String> names(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".eml")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static MessageView reparse(byte[] bytes, Envelope envelope) throws IOException {
        Path file = Files.createTempFile("portcullis-harness-", ".eml");
        file.toFile().deleteOnExit();
        Files.write(file, bytes);
        return ParsedMessage.parse(envelope, file, LIMITS);
    }
}
