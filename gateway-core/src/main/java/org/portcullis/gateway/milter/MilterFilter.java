package org.portcullis.gateway.milter;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Headers;
import org.portcullis.filter.MailFilter;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.StageResult;

/**
 * An existing milter (clamav-milter, opendkim, rspamd, …) as a filter of the chain, spoken to over
 * the Sendmail milter protocol version 6. This shared instance only holds the settings; each
 * SMTP session gets its own instance from {@link #forSession()}, with one milter connection
 * opened at the session's first stage and used for all its transactions, and closed (after
 * {@code Q}) by {@link MailFilter#close()}.
 *
 * <p>Milter decisions become verdicts (a refusal at RCPT refuses that recipient only),
 * modifications at the end of the message become mutations in arrival order, and refusals are
 * reported as a finding {@code milter.<name>}. A milter that is down, too slow or breaks the
 * protocol makes the stage throw {@link MilterUnavailableException}; the chain applies the
 * admin's fail-open or fail-closed choice.
 */
public final class MilterFilter implements MailFilter {

    private final MilterSettings settings;
    private final MilterMetrics metrics;
    private final MilterSession.Opener opener;
    private final MacroValues macroValues;

    public MilterFilter(MilterSettings settings, MeterRegistry registry) {
        this(settings, registry, SocketTransport::connect);
    }

    MilterFilter(MilterSettings settings, MeterRegistry registry, MilterSession.Opener opener) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = new MilterMetrics(registry, settings.name());
        this.opener = opener;
        this.macroValues = new MacroValues(settings.hostname(), settings.daemonName(), mtaVersion());
    }

    public MilterSettings settings() {
        return settings;
    }

    /** A filter for one SMTP session, holding its own milter connection; close it when the session ends. */
    @Override
    public MailFilter forSession() {
        return new MilterSessionFilter(settings, metrics, opener, macroValues);
    }

    // The shared instance has no milter connection: the chain must ask forSession() for one.

    @Override
    public StageResult onConnect(Connection connection) {
        throw notForSessions();
    }

    @Override
    public StageResult onHelo(Connection connection) {
        throw notForSessions();
    }

    @Override
    public StageResult onMailFrom(Envelope envelope) {
        throw notForSessions();
    }

    @Override
    public StageResult onRcptTo(Envelope envelope, Recipient recipient) {
        throw notForSessions();
    }

    @Override
    public StageResult onHeaders(Envelope envelope, Headers headers) {
        throw notForSessions();
    }

    @Override
    public StageResult onEndOfMessage(MessageView message) {
        throw notForSessions();
    }

    @Override
    public String toString() {
        return "MilterFilter[" + settings.name() + " " + settings.address().text() + "]";
    }

    private IllegalStateException notForSessions() {
        return new IllegalStateException("milter " + settings.name() + ": use forSession() for each SMTP session");
    }

    private static String mtaVersion() {
        String version = MilterFilter.class.getPackage().getImplementationVersion();
        return version == null ? "Portcullis" : "Portcullis " + version;
    }
}
