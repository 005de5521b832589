package org.portcullis.gateway.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.gateway.config.DnsConfig;

/** MX and address lookups against a real DNS server (dnsmasq) on loopback. */
class MxResolverTest {

    @TempDir
    static Path dir;

    private static Dnsmasq dns;
    private static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private static MxResolver resolver;

    @BeforeAll
    static void startDns() throws Exception {
        dns = Dnsmasq.start(dir,
                "--mx-host=multi.test,mx-b.multi.test,20",
                "--mx-host=multi.test,mx-a.multi.test,10",
                "--mx-host=multi.test,mx-c.multi.test,10",
                "--host-record=mx-a.multi.test,127.0.0.1",
                "--host-record=mx-b.multi.test,127.0.0.1",
                "--host-record=mx-c.multi.test,127.0.0.1",
                "--host-record=implicit.test,127.0.0.1",
                "--mx-host=ghost.test,nowhere.ghost.test,10",
                "--dns-rr=nullmx.test,15,000000",
                "--ptr-record=2.0.0.127.in-addr.arpa,liar.test");
        resolver = new MxResolver(new DnsConfig(List.of(dns.server()), Duration.ofSeconds(2), true), registry);
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    private static <T> T get(java.util.concurrent.CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Test
    void ordersExchangersByPreferenceWithAddresses() throws Exception {
        MxResult result = get(resolver.mailExchangers("multi.test"));

        assertThat(result).isInstanceOf(MxResult.Exchangers.class);
        List<MailExchanger> mx = ((MxResult.Exchangers) result).exchangers();
        assertThat(mx).extracting(MailExchanger::preference).containsExactly(10, 10, 20);
        assertThat(mx.subList(0, 2)).extracting(MailExchanger::host)
                .containsExactlyInAnyOrder("mx-a.multi.test", "mx-c.multi.test");
        assertThat(mx.get(2).host()).isEqualTo("mx-b.multi.test");
        assertThat(mx).allSatisfy(m -> assertThat(m.addresses()).containsExactly(InetAddress.getByName("127.0.0.1")));
    }

    @Test
    void shufflesExchangersOfEqualPreference() throws Exception {
        java.util.Set<String> firsts = new java.util.HashSet<>();
        for (int i = 0; i < 40 && firsts.size() < 2; i++) {
            MxResult.Exchangers found = (MxResult.Exchangers) get(resolver.mailExchangers("multi.test"));
            firsts.add(found.exchangers().getFirst().host());
        }
        assertThat(firsts).containsExactlyInAnyOrder("mx-a.multi.test", "mx-c.multi.test");
    }

    @Test
    void usesTheDomainItselfWhenItHasNoMx() throws Exception {
        MxResult result = get(resolver.mailExchangers("implicit.test"));

        assertThat(result).isEqualTo(new MxResult.Exchangers(
                List.of(new MailExchanger("implicit.test", 0, List.of(InetAddress.getByName("127.0.0.1"))))));
    }

    @Test
    void recognisesNullMx() throws Exception {
        assertThat(get(resolver.mailExchangers("nullmx.test"))).isInstanceOf(MxResult.NullMx.class);
    }

    @Test
    void reportsNxdomainAsNoSuchDomain() throws Exception {
        MxResult result = get(resolver.mailExchangers("nowhere.test"));

        assertThat(result).isInstanceOf(MxResult.NoSuchDomain.class);
        assertThat(((MxResult.NoSuchDomain) result).reason()).contains("nowhere.test");
    }

    @Test
    void defersWhenNoExchangerHasAnAddress() throws Exception {
        assertThat(get(resolver.mailExchangers("ghost.test"))).isInstanceOf(MxResult.TemporaryFailure.class);
    }

    @Test
    void reportsATimeoutAsTemporaryFailureWithinTheConfiguredTime() throws Exception {
        try (Dnsmasq.Silent silent = new Dnsmasq.Silent()) {
            MxResolver hanging = new MxResolver(
                    new DnsConfig(List.of(silent.server()), Duration.ofMillis(500), true), registry);
            long started = System.nanoTime();

            MxResult result = get(hanging.mailExchangers("multi.test"));

            assertThat(result).isInstanceOf(MxResult.TemporaryFailure.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
            assertThat(registry.find("portcullis.dns.lookups").tag("result", "timeout").counter()).isNotNull();
        }
    }

    @Test
    void refusesSomethingThatIsNoDomainName() throws Exception {
        assertThat(get(resolver.mailExchangers("bad..name"))).isInstanceOf(MxResult.NoSuchDomain.class);
    }

    @Test
    void takesAnIpLiteralAsItsOwnAddress() throws Exception {
        assertThat(get(resolver.addresses("127.0.0.1")))
                .isEqualTo(new AddressResult.Addresses(List.of(InetAddress.getByName("127.0.0.1"))));
    }

    @Test
    void findsAForwardConfirmedReverseName() throws Exception {
        assertThat(get(resolver.reverseName(InetAddress.getByName("127.0.0.1"))))
                .hasValueSatisfying(name -> assertThat(name).endsWith(".test"));
    }

    @Test
    void givesNoReverseNameWhenTheForwardLookupDoesNotConfirmIt() throws Exception {
        assertThat(get(resolver.reverseName(InetAddress.getByName("127.0.0.2")))).isEmpty();
    }

    @Test
    void givesNoReverseNameWithoutPtrOrOnTimeout() throws Exception {
        assertThat(get(resolver.reverseName(InetAddress.getByName("127.0.0.9")))).isEmpty();
        try (Dnsmasq.Silent silent = new Dnsmasq.Silent()) {
            MxResolver hanging = new MxResolver(
                    new DnsConfig(List.of(silent.server()), Duration.ofMillis(300), true), registry);
            assertThat(get(hanging.reverseName(InetAddress.getByName("127.0.0.1")))).isEmpty();
        }
    }
}
