package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
            "10.0.0.0/8, 10.255.1.2, true",
            "10.0.0.0/8, 11.0.0.1, false",
            "192.0.2.128/25, 192.0.2.129, true",
            "192.0.2.128/25, 192.0.2.127, false",
            "192.0.2.7, 192.0.2.7, true",
            "192.0.2.7/32, 192.0.2.8, false",
            "0.0.0.0/0, 203.0.113.9, true",
            "2001:db8::/32, 2001:db8:ffff::1, true",
            "2001:db8::/33, 2001:db8:8000::1, false",
            "fe80::/10, fe80::1, true",
            "fe80::/10, fec0::1, false",
            "::1, ::1, true",
            "::/0, 2001:db8::1, true",
            "::ffff:192.0.2.0/120, ::ffff:192.0.2.1, false",
            "2001:db8::192.0.2.0/120, 2001:db8::c000:201, true",
            "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8, true",
            "10.0.0.0/8, ::ffff:10.0.0.1, true",
    })
    void containsTheAddressesInsideItsPrefix(String network, String address, boolean contained) throws Exception {
        assertThat(Network.parse(network).contains(InetAddress.getByName(address))).isEqualTo(contained);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0", "10.0.0.256", "10.1", "1.2.3.4/", "1.2.3.4/x", "1.2.3.4/33", "::/129",
            "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "1.2.3.4::", "example.com",
            "10.0.0.1/8", "2001:db8::1/32", " 10.0.0.0/8"})
    void refusesWhatIsNotANetwork(String text) {
        assertThatThrownBy(() -> Network.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'" + text + "'");
    }
}
