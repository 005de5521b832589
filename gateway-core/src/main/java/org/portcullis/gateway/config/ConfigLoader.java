package org.portcullis.gateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads and validates the gateway's YAML configuration. Either the whole file is valid and a
 * {@link GatewayConfig} comes back, or a {@link ConfigException} names the file, the line, what
 * is wrong and what is allowed: the gateway never starts half-configured.
 */
public final class ConfigLoader {

    /** The embedded default: {@code config/portcullis.yaml}, packed into the jar. */
    public static final String DEFAULT_RESOURCE = "/org/portcullis/gateway/config/portcullis.yaml";

    private final Consumer<String> networkCheck;

    /**
     * @param networkCheck validates one trusted-network entry (CIDR); throws
     *                     IllegalArgumentException with the reason when it is not one
     */
    public ConfigLoader(Consumer<String> networkCheck) {
        this.networkCheck = networkCheck;
    }

    public GatewayConfig load(Path file) throws ConfigException {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file, 0, "no such configuration file");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file.toString(), reader, file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new ConfigException(file, 0, "cannot read: " + e.getMessage());
        }
    }

    public GatewayConfig loadDefault() throws ConfigException {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("embedded default configuration is missing from the build");
            }
            return parse("(embedded default) config/portcullis.yaml", new InputStreamReader(in, StandardCharsets.UTF_8),
                    workingDirectory());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read embedded default configuration", e);
        }
    }

    GatewayConfig parse(String name, Reader reader) throws ConfigException {
        return parse(name, reader, workingDirectory());
    }

    /**
     * @param base where relative paths in the file lead from: the file's own directory, so that
     *             {@code portcullis queue list --config FILE} finds the same spool from anywhere
     */
    GatewayConfig parse(String name, Reader reader, Path base) throws ConfigException {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(10);
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(name, line, "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException(name, 0, "not valid YAML: " + e.getMessage());
        }
        return read(YamlSection.root(name, root), base);
    }

    private static Path workingDirectory() {
        return Path.of("").toAbsolutePath();
    }

    private GatewayConfig read(YamlSection root, Path base) throws ConfigException {
        String hostname = root.string("hostname", null);
        if (hostname == null) {
            hostname = localHostName();
        } else if (!hostname.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
            throw root.error(root.scalar("hostname").orElseThrow(), "hostname", "must be a host name such as mx.example.org");
        }
        List<ListenerConfig> listeners = listeners(root);
        SmtpConfig smtp = smtp(root.section("smtp"));
        TlsConfig tls = tls(root.section("tls"), base);
        AuthConfig auth = auth(root.section("auth"), base);
        RelayConfig relay = relay(root.section("relay"));
        SpoolConfig spool = spool(root.section("spool"), base);
        DeliveryConfig delivery = delivery(root.section("delivery"));
        List<RouteConfig> routes = routes(root);
        LocalDeliveryConfig local = localDelivery(root.section("local_delivery"), base);
        DnsConfig dns = dns(root.section("dns"));
        ChainConfig chain = chain(root, base);
        java.util.Optional<MilterServerConfig> milterServer = milterServer(root, base);
        root.finish("hostname", "listeners", "smtp", "tls", "auth", "relay", "spool", "delivery", "routes",
                "local_delivery", "dns", "filters", "policy", "plugins", "archives", "milter_server");
        return new GatewayConfig(hostname, listeners, smtp, tls, auth, relay, spool, delivery, routes, local, dns,
                chain, milterServer);
    }

    private List<ListenerConfig> listeners(YamlSection root) throws ConfigException {
        List<ListenerConfig> out = new ArrayList<>();
        for (YamlSection s : root.sections("listeners")) {
            String name = s.string("name", "smtp" + out.size());
            YamlSection.Scalar address = s.scalar("address")
                    .orElseThrow(() -> s.error("'" + s.qualified("address") + "' is required, e.g. 0.0.0.0:25"));
            HostPort hp = hostPort(s, "address", address, -1);
            s.finish("name", "address");
            out.add(new ListenerConfig(name, hp.host(), hp.port()));
        }
        if (out.isEmpty()) {
            throw root.error("'listeners' must name at least one address, e.g. - address: 0.0.0.0:25");
        }
        return out;
    }

    private SmtpConfig smtp(YamlSection s) throws ConfigException {
        SmtpConfig d = SmtpConfig.defaults();
        long maxMessage = s.size("max_message_size", d.maxMessageSize(), 1024, 2L * 1024 * 1024 * 1024);
        int maxRcpt = s.integer("max_recipients", d.maxRecipients(), 1, 100_000);
        int maxLine = (int) s.size("max_command_line_length", d.maxCommandLineLength(), 512, 65536);
        int maxHeader = (int) s.size("max_header_size", d.maxHeaderSize(), 1024, 64L * 1024 * 1024);
        int maxConn = s.integer("max_connections", d.maxConnections(), 1, 1_000_000);
        int maxCommands = s.integer("max_commands", d.maxCommands(), 10, 10_000_000);
        int maxErrors = s.integer("max_errors", d.maxErrors(), 1, 10_000);
        boolean fqdn = s.bool("require_fqdn_sender", d.requireFqdnSender());
        YamlSection t = s.section("timeouts");
        Duration greeting = t.duration("greeting", d.greetingTimeout());
        Duration command = t.duration("command", d.commandTimeout());
        Duration data = t.duration("data", d.dataTimeout());
        Duration session = t.duration("session", d.sessionTimeout());
        t.finish("greeting", "command", "data", "session");
        s.finish("max_message_size", "max_recipients", "max_command_line_length", "max_header_size",
                "max_connections", "max_commands", "max_errors", "require_fqdn_sender", "timeouts");
        return new SmtpConfig(maxMessage, maxRcpt, maxLine, maxHeader, maxConn, maxCommands, maxErrors, fqdn,
                greeting, command, data, session);
    }

    private TlsConfig tls(YamlSection s, Path base) throws ConfigException {
        TlsConfig d = TlsConfig.defaults();
        Path cert = existingFile(s, "certificate", base);
        Path key = existingFile(s, "key", base);
        if ((cert == null) != (key == null)) {
            throw s.error("'tls.certificate' and 'tls.key' go together: give both, or neither for a"
                    + " self-signed certificate");
        }
        List<String> protocols = new ArrayList<>();
        for (YamlSection.Scalar p : s.scalars("protocols")) {
            if (!List.of("TLSv1.3", "TLSv1.2").contains(p.text())) {
                throw s.error(p, "protocols", "may list TLSv1.3 and TLSv1.2 only");
            }
            protocols.add(p.text());
        }
        s.finish("certificate", "key", "protocols");
        return new TlsConfig(cert, key, protocols.isEmpty() ? d.protocols() : protocols);
    }

    private AuthConfig auth(YamlSection s, Path base) throws ConfigException {
        Path users = existingFile(s, "users_file", base);
        s.finish("users_file");
        return new AuthConfig(users);
    }

    private RelayConfig relay(YamlSection s) throws ConfigException {
        List<String> domains = new ArrayList<>();
        for (YamlSection.Scalar d : s.scalars("accepted_domains")) {
            domains.add(domainPattern(s, "accepted_domains", d, false));
        }
        List<String> networks = new ArrayList<>();
        for (YamlSection.Scalar n : s.scalars("trusted_networks")) {
            try {
                networkCheck.accept(n.text());
            } catch (IllegalArgumentException e) {
                throw s.error(n, "trusted_networks", "entries must be networks in CIDR form such as 192.0.2.0/24"
                        + " or 2001:db8::/32: " + e.getMessage());
            }
            networks.add(n.text());
        }
        s.finish("accepted_domains", "trusted_networks");
        return new RelayConfig(domains, networks);
    }

    private SpoolConfig spool(YamlSection s, Path base) throws ConfigException {
        String dir = s.string("directory", "./var/spool");
        s.finish("directory");
        return new SpoolConfig(base.resolve(dir).normalize());
    }

    private DeliveryConfig delivery(YamlSection s) throws ConfigException {
        DeliveryConfig d = DeliveryConfig.defaults();
        YamlSection t = s.section("timeouts");
        Duration connect = t.duration("connect", d.connectTimeout());
        Duration command = t.duration("command", d.commandTimeout());
        Duration data = t.duration("data", d.dataTimeout());
        t.finish("connect", "command", "data");
        YamlSection r = s.section("retry");
        Duration initial = r.duration("initial", d.retryInitial());
        Duration max = r.duration("max", d.retryMax());
        double jitter = r.decimal("jitter", d.retryJitter(), 0.0, 1.0);
        r.finish("initial", "max", "jitter");
        if (max.compareTo(initial) < 0) {
            throw r.error("'delivery.retry.max' must not be shorter than 'delivery.retry.initial'");
        }
        Duration lifetime = s.duration("max_queue_lifetime", d.maxQueueLifetime());
        int perHop = s.integer("max_connections_per_hop", d.maxConnectionsPerHop(), 1, 10_000);
        Duration reuse = s.duration("connection_reuse_time", d.maxIdleConnectionTime());
        int concurrent = s.integer("max_concurrent_deliveries", d.maxConcurrentDeliveries(), 1, 100_000);
        s.finish("timeouts", "retry", "max_queue_lifetime", "max_connections_per_hop", "connection_reuse_time",
                "max_concurrent_deliveries");
        return new DeliveryConfig(connect, command, data, initial, max, jitter, lifetime, perHop, reuse, concurrent);
    }

    private List<RouteConfig> routes(YamlSection root) throws ConfigException {
        List<RouteConfig> out = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (YamlSection s : root.sections("routes")) {
            String name = s.string("name", null);
            if (name != null && !names.add(name)) {
                throw s.error(s.scalar("name").orElseThrow(), "name", "is given to two routes; names must differ");
            }
            List<String> domains = new ArrayList<>();
            for (YamlSection.Scalar d : s.scalars("domains")) {
                domains.add(domainPattern(s, "domains", d, true));
            }
            if (domains.isEmpty()) {
                throw s.error("'" + s.qualified("domains") + "' must list at least one domain, or \"*\" for all");
            }
            List<RouteConfig.NextHop> hops = new ArrayList<>();
            for (YamlSection.Scalar h : s.scalars("next_hops")) {
                hops.add(nextHop(s, h));
            }
            String tlsText = s.string("tls", "opportunistic");
            RouteConfig.TlsPolicy tls;
            try {
                tls = RouteConfig.TlsPolicy.valueOf(tlsText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw s.error(s.scalar("tls").orElseThrow(), "tls", "must be none, opportunistic or required");
            }
            s.finish("domains", "next_hops", "tls", "name");
            out.add(new RouteConfig(domains, hops, tls, name));
        }
        return out;
    }

    private LocalDeliveryConfig localDelivery(YamlSection s, Path base) throws ConfigException {
        String dir = s.string("maildir", null);
        s.finish("maildir");
        return new LocalDeliveryConfig(dir == null ? null : base.resolve(dir).normalize());
    }

    private ChainConfig chain(YamlSection root, Path base) throws ConfigException {
        YamlSection filters = root.section("filters");
        List<FilterSpec> inbound = filterSpecs(filters, "inbound");
        List<FilterSpec> outbound = filterSpecs(filters, "outbound");
        filters.finish("inbound", "outbound");
        Path policy = existingFile(root, "policy", base);
        Path plugins = null;
        var pluginsScalar = root.scalar("plugins");
        if (pluginsScalar.isPresent()) {
            plugins = base.resolve(pluginsScalar.get().text()).normalize();
            if (!Files.isDirectory(plugins)) {
                throw root.error(pluginsScalar.get(), "plugins", "must name a directory of plug-in jars");
            }
        }
        YamlSection archiveSection = root.section("archives");
        java.util.Map<String, Integer> archiveLines = new java.util.HashMap<>();
        java.util.Map<String, Path> archives = new java.util.LinkedHashMap<>();
        for (var entry : archiveSection.remaining(archiveLines).entrySet()) {
            if (!(entry.getValue() instanceof String dir) || !entry.getKey().matches("[A-Za-z0-9_.-]+")) {
                throw new ConfigException(archiveSection.file(), archiveLines.getOrDefault(entry.getKey(), 0),
                        "'archives." + entry.getKey() + "' must name a directory (a Maildir), e.g. legal: /var/archive/legal");
            }
            archives.put(entry.getKey(), base.resolve(dir).normalize());
        }
        return new ChainConfig(inbound, outbound, policy, plugins, archives);
    }

    private List<FilterSpec> filterSpecs(YamlSection filters, String direction) throws ConfigException {
        List<FilterSpec> out = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (YamlSection s : filters.sections(direction)) {
            String where = s.qualified("").replaceAll("\\.$", "");
            String type = s.scalar("type").map(YamlSection.Scalar::text)
                    .orElseThrow(() -> s.error("'" + s.qualified("type") + "' is required: the kind of filter,"
                            + " e.g. milter"));
            String name = s.string("name", type);
            if (!names.add(name)) {
                throw s.error("two filters of 'filters." + direction + "' are named '" + name
                        + "'; give each its own 'name:'");
            }
            Duration timeout = s.duration("timeout", FilterSpec.DEFAULT_TIMEOUT);
            String onFailure = s.string("on_failure", "tempfail");
            if (!onFailure.equals("tempfail") && !onFailure.equals("accept")) {
                throw s.error(s.scalar("on_failure").orElseThrow(), "on_failure",
                        "must be tempfail (answer 4xx when the filter fails) or accept (carry on without it)");
            }
            java.util.Map<String, Integer> lines = new java.util.HashMap<>();
            var settings = s.remaining(lines);
            out.add(new FilterSpec(type, name, timeout, onFailure.equals("accept"), settings, where, s.file(),
                    s.line(), lines));
        }
        return out;
    }

    /** {@code milter_server}: absent (or without an address) means no milter server. */
    private java.util.Optional<MilterServerConfig> milterServer(YamlSection root, Path base) throws ConfigException {
        YamlSection s = root.section("milter_server");
        if (!root.has("milter_server")) {
            return java.util.Optional.empty();
        }
        YamlSection.Scalar address = s.scalar("address").orElseThrow(() -> s.error("'milter_server.address' is"
                + " required, e.g. inet:127.0.0.1:8899 or unix:/run/portcullis/milter.sock"));
        org.portcullis.gateway.milter.MilterAddress parsed;
        try {
            parsed = org.portcullis.gateway.milter.MilterAddress.parse(address.text());
            if (parsed instanceof org.portcullis.gateway.milter.MilterAddress.Unix unix) {
                parsed = new org.portcullis.gateway.milter.MilterAddress.Unix(base.resolve(unix.path()).normalize());
            }
        } catch (IllegalArgumentException e) {
            throw s.error(address, "address", e.getMessage());
        }
        String mode = s.string("socket_mode", MilterServerConfig.DEFAULT_SOCKET_MODE);
        if (!mode.matches("0?[0-7]{3}")) {
            throw s.error(s.scalar("socket_mode").orElseThrow(), "socket_mode", "must be octal permissions such as 0660");
        }
        YamlSection t = s.section("timeouts");
        Duration negotiate = t.duration("negotiate", MilterServerConfig.DEFAULT_NEGOTIATE_TIMEOUT);
        Duration idle = t.duration("idle", MilterServerConfig.DEFAULT_IDLE_TIMEOUT);
        Duration write = t.duration("write", MilterServerConfig.DEFAULT_WRITE_TIMEOUT);
        t.finish("negotiate", "idle", "write");
        Duration progress = s.duration("progress_interval", MilterServerConfig.DEFAULT_PROGRESS_INTERVAL);
        int maxConnections = s.integer("max_connections", MilterServerConfig.DEFAULT_MAX_CONNECTIONS, 1, 1_000_000);
        long maxSize = s.size("max_message_size", MilterServerConfig.DEFAULT_MAX_MESSAGE_SIZE, 1024,
                2L * 1024 * 1024 * 1024);
        s.finish("address", "socket_mode", "timeouts", "progress_interval", "max_connections", "max_message_size");
        return java.util.Optional.of(new MilterServerConfig(parsed, mode, negotiate, idle, write, progress,
                maxConnections, maxSize));
    }

    private DnsConfig dns(YamlSection s) throws ConfigException {
        DnsConfig d = DnsConfig.defaults();
        List<String> servers = new ArrayList<>();
        for (YamlSection.Scalar server : s.scalars("servers")) {
            HostPort hp = hostPort(s, "servers", server, 53);
            servers.add(hp.host().contains(":") ? "[" + hp.host() + "]:" + hp.port() : hp.host() + ":" + hp.port());
        }
        Duration timeout = s.duration("timeout", d.timeout());
        boolean reverse = s.bool("reverse_lookup", d.reverseLookup());
        s.finish("servers", "timeout", "reverse_lookup");
        return new DnsConfig(servers, timeout, reverse);
    }

    private RouteConfig.NextHop nextHop(YamlSection s, YamlSection.Scalar h) throws ConfigException {
        String text = h.text().trim();
        int sep = text.indexOf("://");
        String scheme = sep < 0 ? "" : text.substring(0, sep).toLowerCase(Locale.ROOT);
        RouteConfig.Protocol protocol = switch (scheme) {
            case "smtp" -> RouteConfig.Protocol.SMTP;
            case "lmtp" -> RouteConfig.Protocol.LMTP;
            default -> throw s.error(h, "next_hops", "entries must look like smtp://host:port or lmtp://host:port");
        };
        HostPort hp = hostPort(s, "next_hops", new YamlSection.Scalar(text.substring(sep + 3), h.line()),
                protocol == RouteConfig.Protocol.SMTP ? 25 : 24);
        return new RouteConfig.NextHop(protocol, hp.host(), hp.port());
    }

    /** {@code host:port}, {@code [v6]:port}, or a bare host when a default port is given. */
    private static HostPort hostPort(YamlSection s, String key, YamlSection.Scalar scalar, int defaultPort)
            throws ConfigException {
        String text = scalar.text().trim();
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw s.error(scalar, key, "has an unclosed '[' (write IPv6 as [::1]:25)");
            }
            host = text.substring(1, close);
            port = text.length() > close + 1 && text.charAt(close + 1) == ':' ? text.substring(close + 2) : null;
        } else {
            int colon = text.lastIndexOf(':');
            if (colon >= 0 && text.indexOf(':') != colon) {
                throw s.error(scalar, key, "must write an IPv6 address in brackets, e.g. [::1]:25");
            }
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw s.error(scalar, key, "must name a host, e.g. 127.0.0.1:25");
        }
        if (port == null) {
            if (defaultPort < 0) {
                throw s.error(scalar, key, "must give a port, e.g. " + host + ":25");
            }
            return new HostPort(host, defaultPort);
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return new HostPort(host, p);
        } catch (NumberFormatException e) {
            throw s.error(scalar, key, "must have a port from 0 to 65535");
        }
    }

    private static String domainPattern(YamlSection s, String key, YamlSection.Scalar d, boolean wildcard)
            throws ConfigException {
        String text = d.text().trim().toLowerCase(Locale.ROOT);
        if (wildcard && text.equals("*")) {
            return text;
        }
        String name = text.startsWith(".") ? text.substring(1) : text;
        if (!name.matches("([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?")) {
            throw s.error(d, key, "entries must be domains such as example.com or .example.com (every subdomain)"
                    + (wildcard ? ", or \"*\" for all" : ""));
        }
        return text;
    }

    private static Path existingFile(YamlSection s, String key, Path base) throws ConfigException {
        var scalar = s.scalar(key);
        if (scalar.isEmpty()) {
            return null;
        }
        Path path = base.resolve(scalar.get().text()).normalize();
        if (!Files.isReadable(path)) {
            throw s.error(scalar.get(), key, "names a file that does not exist or cannot be read");
        }
        return path;
    }

    private static String localHostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.isBlank() ? "localhost" : name;
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private record HostPort(String host, int port) {
    }
}
