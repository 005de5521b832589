package org.portcullis.gateway.milter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.filter.Address;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Header;
import org.portcullis.filter.Headers;
import org.portcullis.filter.MediaType;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.MimePart;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.Recipient;

/** Sessions, envelopes and messages for the milter tests, built the way the gateway hands them to filters. */
final class Messages {

    static final String QUEUE_ID = "4F7K2M9QXA1";

    private Messages() {
    }

    static Connection connection(String ip, int port) {
        try {
            return new Connection(InetAddress.getByName(ip), port, Optional.of("client.example.org"),
                    Optional.of("client.example.org"), Optional.empty(), Optional.empty(), false);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static Envelope envelope(Connection connection, String sender, Map<String, String> parameters, String... recipients) {
        List<Recipient> list = new ArrayList<>();
        for (String r : recipients) {
            list.add(recipient(r));
        }
        return new Envelope(QUEUE_ID, connection, Address.parse(sender), parameters, list);
    }

    static Recipient recipient(String address) {
        return new Recipient(Address.parse(address), Map.of(), Direction.INBOUND);
    }

    /** A message from its raw text (LF or CRLF line ends; sent as CRLF). */
    static Message message(Envelope envelope, String raw) {
        return new Message(envelope, raw.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The header fields of raw CRLF text: raw value = everything after the colon up to the field's last CRLF. */
    static Headers headers(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String section = end < 0 ? text : text.substring(0, end + 2);
        List<Header> fields = new ArrayList<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : section.split("(?<=\r\n)")) {
            if ((line.startsWith(" ") || line.startsWith("\t")) && name != null) {
                value.append(line);
                continue;
            }
            if (name != null) {
                fields.add(field(name, value.toString()));
            }
            int colon = line.indexOf(':');
            name = line.substring(0, colon);
            value = new StringBuilder(line.substring(colon + 1));
        }
        if (name != null) {
            fields.add(field(name, value.toString()));
        }
        return Headers.of(fields);
    }

    private static Header field(String name, String raw) {
        String r = raw.endsWith("\r\n") ? raw.substring(0, raw.length() - 2) : raw;
        return new Header(name, r, r.replaceAll("\r\n(?=[ \t])", "").strip());
    }

    /**
     * The message as the gateway would write it after applying header mutations: added fields
     * at the end of the header section, inserted ones at their index, each as {@code name: value}.
     */
    static byte[] apply(byte[] raw, List<Mutation> mutations) throws IOException {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        List<String> fields = new ArrayList<>(List.of(text.substring(0, end + 2).split("\r\n(?![ \t])")));
        String body = text.substring(end + 4);
        for (Mutation m : mutations) {
            switch (m) {
                case Mutation.AddHeader h -> fields.add(h.name() + ": " + h.value());
                case Mutation.InsertHeader h -> fields.add(Math.min(h.index(), fields.size()), h.name() + ": " + h.value());
                case Mutation.ReplaceBody b -> {
                    try (InputStream in = b.body().open()) {
                        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
                default -> throw new IllegalArgumentException("not applied by this test helper: " + m);
            }
        }
        return (String.join("\r\n", fields) + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    /** A whole message, read-only, as the chain shares it. */
    record Message(Envelope envelope, byte[] bytes) implements MessageView {
        @Override
        public Headers headers() {
            return Messages.headers(bytes);
        }

        @Override
        public MimePart root() {
            Headers headers = headers();
            long size = bytes.length;
            return new MimePart() {
                @Override
                public String path() {
                    return "";
                }

                @Override
                public MediaType contentType() {
                    return MediaType.TEXT_PLAIN;
                }

                @Override
                public Headers headers() {
                    return headers;
                }

                @Override
                public Optional<String> filename() {
                    return Optional.empty();
                }

                @Override
                public boolean isAttachment() {
                    return false;
                }

                @Override
                public List<MimePart> children() {
                    return List.of();
                }

                @Override
                public InputStream openDecoded() {
                    return new ByteArrayInputStream(bytes);
                }

                @Override
                public long decodedSize() {
                    return size;
                }
            };
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream openRaw() {
            return new ByteArrayInputStream(bytes);
        }

        Path writeTo(Path file) throws IOException {
            return Files.write(file, bytes);
        }
    }
}
