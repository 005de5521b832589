package org.portcullis.gateway.milter;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What the MTA says to a milter, one value per command, each encoding itself as one packet. */
sealed interface MilterCommand {

    MilterPacket packet();

    /** {@code O}: the version, actions and protocol bits we offer. */
    record Negotiate(int version, int actions, int protocol) implements MilterCommand {
        @Override
        public MilterPacket packet() {
            return new MilterPacket(MilterProtocol.OPTION_NEGOTIATION,
                    ByteBuffer.allocate(12).putInt(version).putInt(actions).putInt(protocol).array());
        }
    }

    /** {@code D}: macro values for the command with code {@code stage}, in the given order. */
    record Macros(char stage, Map<String, String> values) implements MilterCommand {
        public Macros {
            values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        }

        @Override
        public MilterPacket packet() {
            Strings out = new Strings();
            out.raw((byte) stage);
            values.forEach((name, value) -> out.add(name).add(value));
            return out.packet(MilterProtocol.MACRO);
        }
    }

    /** {@code C}: who connected. */
    record Connect(String hostname, ClientAddress address) implements MilterCommand {
        public Connect {
            Objects.requireNonNull(hostname, "hostname");
            Objects.requireNonNull(address, "address");
        }

        @Override
        public MilterPacket packet() {
            Strings out = new Strings().add(hostname);
            out.raw((byte) address.family());
            if (address.family() != ClientAddress.UNKNOWN) {
                out.raw((byte) (address.port() >> 8)).raw((byte) address.port());
                out.add(address.address());
            }
            return out.packet(MilterProtocol.CONNECT);
        }
    }

    /** {@code H}: the HELO/EHLO argument. */
    record Helo(String name) implements MilterCommand {
        @Override
        public MilterPacket packet() {
            return new Strings().add(name).packet(MilterProtocol.HELO);
        }
    }

    /** {@code M}: the sender in angle brackets, then each ESMTP parameter. */
    record Mail(String sender, List<String> parameters) implements MilterCommand {
        public Mail {
            parameters = List.copyOf(parameters);
        }

        @Override
        public MilterPacket packet() {
            Strings out = new Strings().add(sender);
            parameters.forEach(out::add);
            return out.packet(MilterProtocol.MAIL);
        }
    }

    /** {@code R}: one recipient in angle brackets, then its ESMTP parameters. */
    record Rcpt(String recipient, List<String> parameters) implements MilterCommand {
        public Rcpt {
            parameters = List.copyOf(parameters);
        }

        @Override
        public MilterPacket packet() {
            Strings out = new Strings().add(recipient);
            parameters.forEach(out::add);
            return out.packet(MilterProtocol.RCPT);
        }
    }

    /** {@code T}: the DATA command. */
    record Data() implements MilterCommand {
        @Override
        public MilterPacket packet() {
            return MilterPacket.of(MilterProtocol.DATA);
        }
    }

    /** {@code L}: one header field, the value as the milter expects it (see {@link MilterSession}). */
    record Header(String name, String value) implements MilterCommand {
        @Override
        public MilterPacket packet() {
            return new Strings().add(name).add(value).packet(MilterProtocol.HEADER);
        }
    }

    /** {@code N}: the end of the header section. */
    record EndOfHeaders() implements MilterCommand {
        @Override
        public MilterPacket packet() {
            return MilterPacket.of(MilterProtocol.END_OF_HEADERS);
        }
    }

    /** {@code B}: one chunk of the body, raw bytes. */
    record Body(byte[] chunk) implements MilterCommand {
        public Body {
            chunk = chunk.clone();
        }

        @Override
        public MilterPacket packet() {
            return new MilterPacket(MilterProtocol.BODY, chunk);
        }
    }

    /** {@code E}: the end of the message; the milter answers with its modifications and a decision. */
    record EndOfMessage() implements MilterCommand {
        @Override
        public MilterPacket packet() {
            return MilterPacket.of(MilterProtocol.END_OF_MESSAGE);
        }
    }

    /** {@code A}: forget the current message, keep the connection. */
    record Abort() implements MilterCommand {
        @Override
        public MilterPacket packet() {
            return MilterPacket.of(MilterProtocol.ABORT);
        }
    }

    /** {@code U}: an SMTP command the MTA did not recognise. */
    record Unknown(String line) implements MilterCommand {
        @Override
        public MilterPacket packet() {
            return new Strings().add(line).packet(MilterProtocol.UNKNOWN);
        }
    }

    /** {@code Q}: the session is over; the milter closes. */
    record Quit() implements MilterCommand {
        @Override
        public MilterPacket packet() {
            return MilterPacket.of(MilterProtocol.QUIT);
        }
    }

    /** {@code K}: this session is over, but the connection stays for the MTA's next one (no reply). */
    record QuitNewConnection() implements MilterCommand {
        @Override
        public MilterPacket packet() {
            return MilterPacket.of(MilterProtocol.QUIT_NEW_CONNECTION);
        }
    }

    /**
     * The client's address as {@code C} carries it: family {@code 4}, {@code 6}, {@code L} (a
     * Unix socket path, port 0) or {@code U} (unknown: nothing more).
     */
    record ClientAddress(char family, int port, String address) {
        static final char INET4 = '4';
        static final char INET6 = '6';
        static final char LOCAL = 'L';
        static final char UNKNOWN = 'U';

        public ClientAddress {
            if (family != INET4 && family != INET6 && family != LOCAL && family != UNKNOWN) {
                throw new IllegalArgumentException("not a connect family: " + family);
            }
            if (port < 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("not a port: " + port);
            }
            Objects.requireNonNull(address, "address");
        }

        static ClientAddress of(java.net.InetAddress ip, int port) {
            return ip instanceof java.net.Inet6Address
                    ? new ClientAddress(INET6, port, ip.getHostAddress().replaceFirst("%.*$", ""))
                    : new ClientAddress(INET4, port, ip.getHostAddress());
        }

        static ClientAddress unknown() {
            return new ClientAddress(UNKNOWN, 0, "");
        }
    }

    /** NUL-terminated strings back to back, as the protocol's "string array". */
    final class Strings {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Strings add(String s) {
            // A NUL inside would end the string early and shift every later field; SMTP text
            // has no business carrying one, so it is dropped rather than sent.
            byte[] bytes = s.replace("\0", "").getBytes(StandardCharsets.UTF_8);
            out.writeBytes(bytes);
            out.write(0);
            return this;
        }

        Strings raw(byte b) {
            out.write(b);
            return this;
        }

        MilterPacket packet(char code) {
            return new MilterPacket(code, out.toByteArray());
        }
    }
}
