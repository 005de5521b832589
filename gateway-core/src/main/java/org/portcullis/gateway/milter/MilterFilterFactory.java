package org.portcullis.gateway.milter;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.portcullis.filter.FilterConfig;
import org.portcullis.filter.FilterConfigException;
import org.portcullis.filter.FilterFactory;
import org.portcullis.filter.MailFilter;

/**
 * Makes {@link MilterFilter}s for {@code type: milter}:
 *
 * <pre>
 * - type: milter
 *   name: clamav
 *   address: unix:/run/clamav/clamav-milter.ctl   # or inet:127.0.0.1:8891
 *   timeouts: { connect: 30s, command: 30s, content: 300s }
 *   macros: { connect: "j {daemon_name} v _ {client_addr}" }   # optional, per stage
 * </pre>
 *
 * <p>{@link java.util.ServiceLoader} uses the no-argument constructor, which registers meters in
 * Micrometer's global registry; the gateway's assembly, which owns the real registry, can
 * instead make this factory with {@link #MilterFilterFactory(MeterRegistry, String)}.
 */
public final class MilterFilterFactory implements FilterFactory {

    public static final String TYPE = "milter";

    private final MeterRegistry registry;
    private final String hostname;

    /** For ServiceLoader: meters go to {@link Metrics#globalRegistry}, {@code j} is the local host name. */
    public MilterFilterFactory() {
        this(Metrics.globalRegistry, localHostname());
    }

    /**
     * @param registry where the milter meters go
     * @param hostname the gateway's host name, the default of the {@code hostname} setting (macro {@code j})
     */
    public MilterFilterFactory(MeterRegistry registry, String hostname) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.hostname = Objects.requireNonNull(hostname, "hostname");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public MailFilter create(FilterConfig config) throws FilterConfigException {
        return new MilterFilter(settings(config, hostname), registry);
    }

    /** Reads and checks every setting of one milter's section. */
    public static MilterSettings settings(FilterConfig config, String defaultHostname) throws FilterConfigException {
        MilterAddress address;
        try {
            address = MilterAddress.parse(config.requireString("address"));
        } catch (IllegalArgumentException e) {
            throw config.error("address", e.getMessage());
        }
        FilterConfig timeouts = config.section("timeouts");
        Duration connect = positive(timeouts, "connect", MilterSettings.DEFAULT_CONNECT_TIMEOUT);
        Duration command = positive(timeouts, "command", MilterSettings.DEFAULT_COMMAND_TIMEOUT);
        Duration content = positive(timeouts, "content", MilterSettings.DEFAULT_CONTENT_TIMEOUT);
        Map<String, List<String>> macros = new LinkedHashMap<>();
        FilterConfig macroSection = config.section("macros");
        for (String stage : MilterSettings.MACRO_STAGES) {
            if (!macroSection.has(stage)) {
                continue;
            }
            List<String> names = macroSection.strings(stage).stream()
                    .flatMap(s -> java.util.Arrays.stream(s.trim().split("[\\s,]+"))).filter(s -> !s.isEmpty()).toList();
            for (String name : names) {
                if (!MacroValues.KNOWN.contains(name)) {
                    throw macroSection.error(stage, "names macro " + name + ", which Portcullis has no value for; known: "
                            + String.join(" ", MacroValues.KNOWN));
                }
            }
            macros.put(stage, names);
        }
        String host = config.string("hostname", defaultHostname);
        String daemonName = config.string("daemon-name", MilterSettings.DEFAULT_DAEMON_NAME);
        FilterConfig limits = config.section("limits");
        long inMemory = limits.size("body-in-memory", MilterSettings.DEFAULT_BODY_IN_MEMORY);
        long replaced = limits.size("replaced-body", MilterSettings.DEFAULT_MAX_REPLACED_BODY);
        if (replaced < 1) {
            throw limits.error("replaced-body", "must be at least 1 byte");
        }
        Path tempDir = Path.of(config.string("temp-dir", System.getProperty("java.io.tmpdir")));
        if (!Files.isDirectory(tempDir)) {
            throw config.error("temp-dir", "is not a directory: " + tempDir);
        }
        return new MilterSettings(config.filterName(), address, connect, command, content, macros, host, daemonName,
                inMemory, replaced, tempDir);
    }

    private static Duration positive(FilterConfig section, String key, Duration fallback) throws FilterConfigException {
        Duration d = section.duration(key, fallback);
        if (d.isZero()) {
            throw section.error(key, "must be longer than 0");
        }
        return d;
    }

    private static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
