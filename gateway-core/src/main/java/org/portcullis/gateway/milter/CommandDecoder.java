package org.portcullis.gateway.milter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.portcullis.gateway.milter.MilterCommand.ClientAddress;

/**
 * The server side of the codec: turns a packet from the MTA into a {@link MilterCommand}, or
 * says exactly what is wrong with it. The inverse of {@link MilterCommand#packet()}.
 */
final class CommandDecoder {

    private CommandDecoder() {
    }

    static MilterCommand decode(MilterPacket packet) throws MilterProtocolException {
        PacketReader in = new PacketReader(packet);
        MilterCommand command = switch (packet.code()) {
            case MilterProtocol.OPTION_NEGOTIATION -> negotiate(in);
            case MilterProtocol.MACRO -> macros(in);
            case MilterProtocol.CONNECT -> connect(in);
            case MilterProtocol.HELO -> new MilterCommand.Helo(in.string("HELO name"));
            case MilterProtocol.MAIL -> {
                List<String> args = in.strings("sender");
                yield new MilterCommand.Mail(args.get(0), args.subList(1, args.size()));
            }
            case MilterProtocol.RCPT -> {
                List<String> args = in.strings("recipient");
                yield new MilterCommand.Rcpt(args.get(0), args.subList(1, args.size()));
            }
            case MilterProtocol.DATA -> new MilterCommand.Data();
            case MilterProtocol.HEADER -> new MilterCommand.Header(in.string("header name"), in.string("header value"));
            case MilterProtocol.END_OF_HEADERS -> new MilterCommand.EndOfHeaders();
            case MilterProtocol.BODY -> new MilterCommand.Body(in.rest());
            // libmilter takes bytes in an 'E' as a last body chunk; the session reads them from the packet.
            case MilterProtocol.END_OF_MESSAGE -> {
                in.rest();
                yield new MilterCommand.EndOfMessage();
            }
            case MilterProtocol.ABORT -> new MilterCommand.Abort();
            case MilterProtocol.UNKNOWN -> new MilterCommand.Unknown(in.string("command line"));
            case MilterProtocol.QUIT -> new MilterCommand.Quit();
            case MilterProtocol.QUIT_NEW_CONNECTION -> new MilterCommand.QuitNewConnection();
            default -> throw new MilterProtocolException("unknown command code '"
                    + PacketDecoder.printable(packet.code()) + "'");
        };
        in.requireEnd();
        return command;
    }

    /** {@code O}: three integers; later protocol versions may append more, which we do not read. */
    private static MilterCommand.Negotiate negotiate(PacketReader in) throws MilterProtocolException {
        MilterCommand.Negotiate offer = new MilterCommand.Negotiate(in.integer("version"), in.integer("actions"),
                in.integer("protocol"));
        in.rest();
        return offer;
    }

    private static MilterCommand.Macros macros(PacketReader in) throws MilterProtocolException {
        char stage = (char) in.oneByte("macro stage");
        Map<String, String> values = new LinkedHashMap<>();
        while (in.hasMore()) {
            String name = in.string("macro name");
            String value = in.string("value of macro " + name);
            values.put(name, value);
        }
        return new MilterCommand.Macros(stage, values);
    }

    private static MilterCommand.Connect connect(PacketReader in) throws MilterProtocolException {
        String hostname = in.string("host name");
        char family = (char) in.oneByte("address family");
        if (family == ClientAddress.UNKNOWN) {
            return new MilterCommand.Connect(hostname, ClientAddress.unknown());
        }
        if (family != ClientAddress.INET4 && family != ClientAddress.INET6 && family != ClientAddress.LOCAL) {
            throw new MilterProtocolException("'C' with unknown address family '" + PacketDecoder.printable(family) + "'");
        }
        int port = in.unsignedShort("port");
        String address = in.string("address");
        // Sendmail writes IPv6 clients as "IPv6:2001:db8::1".
        if (family == ClientAddress.INET6 && address.regionMatches(true, 0, "IPv6:", 0, 5)) {
            address = address.substring(5);
        }
        return new MilterCommand.Connect(hostname, new ClientAddress(family, port, address));
    }
}
