package org.portcullis.gateway.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.portcullis.filter.FilterConfig;
import org.portcullis.filter.FilterConfigException;
import org.portcullis.filter.FilterFactory;

/** The milter's settings as an admin writes them, checked at load. */
class MilterFilterFactoryTest {

    private static MilterSettings read(Map<String, ?> section) throws FilterConfigException {
        return MilterFilterFactory.settings(FilterConfig.of("clamav", section), "gw.example");
    }

    @Test
    void isFoundByServiceLoaderAsTypeMilter() {
        assertThat(ServiceLoader.load(FilterFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.type().equals("milter")).findFirst()).get().isInstanceOf(MilterFilterFactory.class);
    }

    @Test
    void takesPostfixDefaultsForWhatIsNotSet() throws Exception {
        MilterSettings s = read(Map.of("address", "unix:/run/clamav/clamav-milter.ctl"));

        assertThat(s.address()).isEqualTo(new MilterAddress.Unix(Path.of("/run/clamav/clamav-milter.ctl")));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.commandTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.contentTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(s.macros()).isEqualTo(MilterSettings.DEFAULT_MACROS);
        assertThat(s.hostname()).isEqualTo("gw.example");
        assertThat(s.daemonName()).isEqualTo("portcullis");
        assertThat(s.name()).isEqualTo("clamav");
    }

    @Test
    void readsEverySetting() throws Exception {
        FilterConfig config = FilterConfig.of("dkim", Map.of("address", "inet:[::1]:8891",
                "timeouts", Map.of("connect", "2s", "command", "500ms", "content", "1m"),
                "macros", Map.of("connect", "j {client_addr}", "mail", List.of("i", "{mail_addr}")),
                "hostname", "mx.example", "daemon-name", "MTA",
                "limits", Map.of("body-in-memory", "64k", "replaced-body", "10m")));

        MilterSettings s = MilterFilterFactory.settings(config, "gw.example");

        assertThat(s.address()).isEqualTo(new MilterAddress.Inet("::1", 8891));
        assertThat(s.address().text()).isEqualTo("inet:[::1]:8891");
        assertThat(List.of(s.connectTimeout(), s.commandTimeout(), s.contentTimeout()))
                .containsExactly(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofMinutes(1));
        assertThat(s.macros()).containsEntry("connect", List.of("j", "{client_addr}"))
                .containsEntry("mail", List.of("i", "{mail_addr}"))
                .containsEntry("rcpt", MilterSettings.DEFAULT_MACROS.get("rcpt"));
        assertThat(s.hostname()).isEqualTo("mx.example");
        assertThat(s.daemonName()).isEqualTo("MTA");
        assertThat(s.bodyInMemory()).isEqualTo(64 * 1024);
        assertThat(s.maxReplacedBody()).isEqualTo(10 * 1024 * 1024);
        assertThat(config.unreadKeys()).isEmpty();
    }

    @Test
    void refusesWhatItCannotUse() {
        assertThatThrownBy(() -> read(Map.of())).isInstanceOf(FilterConfigException.class).hasMessageContaining("'address' is required");
        assertThatThrownBy(() -> read(Map.of("address", "local:/x"))).hasMessageContaining("inet:host:port or unix:/path");
        assertThatThrownBy(() -> read(Map.of("address", "inet:::1:25"))).hasMessageContaining("brackets");
        assertThatThrownBy(() -> read(Map.of("address", "inet:host:99999"))).hasMessageContaining("port");
        assertThatThrownBy(() -> read(Map.of("address", "inet:h:1", "timeouts", Map.of("command", "0s"))))
                .hasMessageContaining("'timeouts.command' must be longer than 0");
        assertThatThrownBy(() -> read(Map.of("address", "inet:h:1", "macros", Map.of("mail", "{if_addr}"))))
                .hasMessageContaining("'macros.mail' names macro {if_addr}");
        assertThatThrownBy(() -> read(Map.of("address", "inet:h:1", "temp-dir", "/no/such/dir")))
                .hasMessageContaining("'temp-dir' is not a directory");
    }

    @Test
    void makesAFilterThatRegistersItsMetersInTheGivenRegistry() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        var filter = new MilterFilterFactory(registry, "gw").create(FilterConfig.of("m", Map.of("address", "inet:127.0.0.1:1")));

        assertThat(filter).isInstanceOf(MilterFilter.class);
        assertThat(((MilterFilter) filter).settings().address()).isEqualTo(new MilterAddress.Inet("127.0.0.1", 1));
    }
}
