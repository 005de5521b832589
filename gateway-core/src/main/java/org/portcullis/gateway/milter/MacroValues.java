package org.portcullis.gateway.milter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Recipient;

/**
 * The values of the Sendmail macros Portcullis can tell a milter, from what the gateway knows at
 * a stage. A macro whose value is not known is left out, never sent empty: milters must not
 * assume any macro is present, and an empty {@code {auth_authen}} would read as "authenticated
 * as nobody".
 */
final class MacroValues {

    /** Every name Portcullis can give a value for (at some stage). */
    static final List<String> KNOWN = List.of("j", "{daemon_name}", "v", "_", "{client_addr}", "{client_name}",
            "{client_port}", "{client_ptr}", "{tls_version}", "{cipher}", "i", "{auth_type}", "{auth_authen}",
            "{mail_addr}", "{rcpt_addr}");

    // Connection.tls() reads e.g. "TLSv1.3 with cipher TLS_AES_128_GCM_SHA256".
    private static final Pattern CIPHER = Pattern.compile("with cipher (\\S+)");

    private final String hostname;
    private final String daemonName;
    private final String mtaVersion;

    MacroValues(String hostname, String daemonName, String mtaVersion) {
        this.hostname = hostname;
        this.daemonName = daemonName;
        this.mtaVersion = mtaVersion;
    }

    /** The values of {@code names} known from this context, in the order asked. */
    Map<String, String> values(List<String> names, Connection connection, Optional<Envelope> envelope,
                               Optional<Recipient> recipient) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : names) {
            value(name, connection, envelope, recipient).ifPresent(v -> out.put(name, v));
        }
        return out;
    }

    private Optional<String> value(String name, Connection c, Optional<Envelope> envelope, Optional<Recipient> rcpt) {
        String ip = c.address().getHostAddress().replaceFirst("%.*$", "");
        return switch (name) {
            case "j" -> Optional.of(hostname);
            case "{daemon_name}" -> Optional.of(daemonName);
            case "v" -> Optional.of(mtaVersion);
            case "_" -> Optional.of(c.reverseName().orElse("unknown") + " [" + ip + "]");
            case "{client_addr}" -> Optional.of(ip);
            case "{client_name}", "{client_ptr}" -> Optional.of(c.reverseName().orElse("unknown"));
            case "{client_port}" -> Optional.of(String.valueOf(c.port()));
            case "{tls_version}" -> c.tls().map(String::strip).filter(t -> !t.isEmpty()).map(t -> t.split("\\s+")[0]);
            case "{cipher}" -> c.tls().flatMap(MacroValues::cipher);
            case "i" -> envelope.map(Envelope::queueId).filter(id -> !id.isEmpty());
            case "{auth_authen}" -> c.authUser();
            // The filter API tells who authenticated but not with which SASL mechanism.
            case "{auth_type}" -> Optional.empty();
            case "{mail_addr}" -> envelope.map(e -> e.sender().toString());
            case "{rcpt_addr}" -> rcpt.map(r -> r.address().toString());
            default -> Optional.empty();
        };
    }

    private static Optional<String> cipher(String tls) {
        Matcher m = CIPHER.matcher(tls);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
