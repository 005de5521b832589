package org.portcullis.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @Test
    void slashZeroCoversEveryAddressOfItsFamilyOnly() {
        Cidr allIpv4 = Cidr.parse("0.0.0.0/0");
        Cidr allIpv6 = Cidr.parse("::/0");

        assertThat(allIpv4.contains(ip("203.0.113.9"))).isTrue();
        assertThat(allIpv4.contains(ip("255.255.255.255"))).isTrue();
        assertThat(allIpv4.contains(ip("2001:db8::1"))).isFalse();
        assertThat(allIpv6.contains(ip("2001:db8::1"))).isTrue();
        assertThat(allIpv6.contains(ip("203.0.113.9"))).isFalse();
    }

    @Test
    void slash32IsExactlyOneAddress() {
        Cidr one = Cidr.parse("192.0.2.1/32");

        assertThat(one.contains(ip("192.0.2.1"))).isTrue();
        assertThat(one.contains(ip("192.0.2.0"))).isFalse();
        assertThat(one.contains(ip("192.0.2.2"))).isFalse();
    }

    @Test
    void slash128IsExactlyOneAddress() {
        Cidr loopback = Cidr.parse("::1/128");

        assertThat(loopback.contains(ip("::1"))).isTrue();
        assertThat(loopback.contains(ip("::2"))).isFalse();
        assertThat(loopback.contains(ip("127.0.0.1"))).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "192.0.2.0/24, 192.0.2.0, true",
            "192.0.2.0/24, 192.0.2.255, true",
            "192.0.2.0/24, 192.0.3.0, false",
            "192.0.2.0/24, 192.0.1.255, false",
            "10.0.0.0/9, 10.127.255.255, true",
            "10.0.0.0/9, 10.128.0.0, false",
            "2001:db8::/32, 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, true",
            "2001:db8::/32, 2001:db9::, false",
            "2001:db8:8000::/33, 2001:db8:7fff::1, false",
            "2001:db8:8000::/33, 2001:db8:8000::1, true",
    })
    void matchesTheBoundariesOfItsPrefix(String network, String address, boolean inside) {
        assertThat(Cidr.parse(network).contains(ip(address))).isEqualTo(inside);
    }

    @Test
    void matchesAnIpv4MappedClientAsTheIpv4AddressItCarries() throws UnknownHostException {
        // A dual-stack listener can report an IPv4 client as ::ffff:192.0.2.7, kept as an Inet6Address.
        InetAddress mapped = Inet6Address.getByAddress(null,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 7}, -1);
        assertThat(mapped).isInstanceOf(Inet6Address.class);

        assertThat(Cidr.parse("192.0.2.0/24").contains(mapped)).isTrue();
        assertThat(Cidr.parse("198.51.100.0/24").contains(mapped)).isFalse();
    }

    @Test
    void readsAnIpv4MappedNetworkAsTheIpv4NetworkItMaps() {
        Cidr mappedNetwork = Cidr.parse("::ffff:192.0.2.0/120");

        assertThat(mappedNetwork).isEqualTo(Cidr.parse("192.0.2.0/24"));
        assertThat(mappedNetwork.contains(ip("192.0.2.200"))).isTrue();
        assertThat(mappedNetwork.contains(ip("192.0.3.1"))).isFalse();
    }

    @Test
    void printsAsItWasWritten() {
        assertThat(Cidr.parse(" 198.51.100.0/24 ")).hasToString("198.51.100.0/24");
        assertThat(Cidr.parse("10.0.0.0/8").prefixLength()).isEqualTo(8);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "/24", "192.0.2.0", "192.0.2.0/", "192.0.2.0/33", "192.0.2.0/-1", "192.0.2.0/+8", "192.0.2.0/0x8",
            "192.0.2/24", "192.0.2.0.0/24", "192.0.2.256/32", "010.0.0.0/8", "192.0.2.0/24/8", "::1/129",
            "2001:db8::/1000", "1:2:3/48", "fe80::1%eth0/64", "::ffff:192.0.2.0/64", "example.com/24", "localhost/8",
            "192.0.2.0 /24"})
    void refusesWhatIsNotANetworkWithAReason(String text) {
        assertThatThrownBy(() -> Cidr.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void refusesHostBitsAndNamesTheIntendedNetwork() {
        assertThatThrownBy(() -> Cidr.parse("192.0.2.1/24"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host bits")
                .hasMessageContaining("192.0.2.0/24");
        assertThatThrownBy(() -> Cidr.parse("2001:db8::1/32"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host bits");
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
