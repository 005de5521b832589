package org.portcullis.gateway.milter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One milter's settings, read from its filter section by {@link MilterFilterFactory}.
 *
 * @param name           the filter's name in the chain: in logs, metric tags and findings
 * @param address        {@code address}: where the milter listens
 * @param connectTimeout {@code timeouts.connect} (30s): opening the connection and negotiating
 * @param commandTimeout {@code timeouts.command} (30s): the reply to connect, HELO, MAIL, RCPT, DATA
 * @param contentTimeout {@code timeouts.content} (300s): the reply to each header, end of headers,
 *                       body chunk and end of message
 * @param macros         {@code macros.<stage>}: the macros sent at each stage ({@code connect}, {@code helo},
 *                       {@code mail}, {@code rcpt}, {@code data}, {@code end-of-headers},
 *                       {@code end-of-message}); a stage not named keeps its {@link #DEFAULT_MACROS}
 * @param hostname       {@code hostname}: the gateway's name, macro {@code j}
 * @param daemonName     {@code daemon-name} (portcullis): macro {@code {daemon_name}}
 * @param bodyInMemory   {@code limits.body-in-memory} (1m): a replacement body up to this size is
 *                       kept in memory, a larger one goes to a temporary file
 * @param maxReplacedBody {@code limits.replaced-body} (100m): a milter that sends a larger new body
 *                       breaks the protocol
 * @param tempDir        {@code temp-dir} (the JVM's temporary directory): for large replacement bodies
 */
public record MilterSettings(String name, MilterAddress address, Duration connectTimeout, Duration commandTimeout,
                             Duration contentTimeout, Map<String, List<String>> macros, String hostname,
                             String daemonName, long bodyInMemory, long maxReplacedBody, Path tempDir) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONTENT_TIMEOUT = Duration.ofSeconds(300);
    public static final String DEFAULT_DAEMON_NAME = "portcullis";
    public static final long DEFAULT_BODY_IN_MEMORY = 1024 * 1024;
    public static final long DEFAULT_MAX_REPLACED_BODY = 100L * 1024 * 1024;

    /** What Postfix sends by default, plus the client macros that clamav-milter and opendkim read. */
    public static final Map<String, List<String>> DEFAULT_MACROS = defaultMacros();

    /** The stages that carry macros, as written under {@code macros:}. */
    public static final List<String> MACRO_STAGES = List.of("connect", "helo", "mail", "rcpt", "data",
            "end-of-headers", "end-of-message");

    public MilterSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(commandTimeout, "commandTimeout");
        requirePositive(contentTimeout, "contentTimeout");
        java.util.LinkedHashMap<String, List<String>> copy = new java.util.LinkedHashMap<>(DEFAULT_MACROS);
        macros.forEach((stage, names) -> {
            if (!MACRO_STAGES.contains(stage)) {
                throw new IllegalArgumentException("no macros at stage " + stage + "; stages are " + MACRO_STAGES);
            }
            copy.put(stage, List.copyOf(names));
        });
        macros = java.util.Collections.unmodifiableMap(copy);
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(daemonName, "daemonName");
        Objects.requireNonNull(tempDir, "tempDir");
    }

    /** The defaults for a milter at {@code address}. */
    public static MilterSettings defaults(String name, MilterAddress address, String hostname) {
        return new MilterSettings(name, address, DEFAULT_CONNECT_TIMEOUT, DEFAULT_COMMAND_TIMEOUT, DEFAULT_CONTENT_TIMEOUT,
                DEFAULT_MACROS, hostname, DEFAULT_DAEMON_NAME, DEFAULT_BODY_IN_MEMORY, DEFAULT_MAX_REPLACED_BODY,
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    public MilterSettings withTimeouts(Duration connect, Duration command, Duration content) {
        return new MilterSettings(name, address, connect, command, content, macros, hostname, daemonName,
                bodyInMemory, maxReplacedBody, tempDir);
    }

    Duration timeout(Step step) {
        return switch (step.waitKind()) {
            case COMMAND -> commandTimeout;
            case CONTENT -> contentTimeout;
        };
    }

    List<String> macros(Step step) {
        return macros.getOrDefault(step.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), List.of());
    }

    private static Map<String, List<String>> defaultMacros() {
        java.util.LinkedHashMap<String, List<String>> m = new java.util.LinkedHashMap<>();
        m.put("connect", List.of("j", "{daemon_name}", "v", "_", "{client_addr}", "{client_name}", "{client_port}",
                "{client_ptr}"));
        m.put("helo", List.of("{tls_version}", "{cipher}"));
        m.put("mail", List.of("i", "{auth_type}", "{auth_authen}", "{mail_addr}"));
        m.put("rcpt", List.of("i", "{rcpt_addr}"));
        m.put("data", List.of("i"));
        m.put("end-of-headers", List.of("i"));
        m.put("end-of-message", List.of("i"));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }
}
