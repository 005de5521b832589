package org.portcullis.gateway.milter;

import java.nio.ByteBuffer;
import java.util.Map;
import org.portcullis.gateway.milter.MilterCommand.Strings;

/**
 * The server side of the codec: each {@link MilterResponse} as the one packet it is on the
 * wire. The inverse of {@link ResponseDecoder}.
 */
final class ResponseEncoder {

    private ResponseEncoder() {
    }

    static MilterPacket encode(MilterResponse response) {
        return switch (response) {
            case MilterResponse.Negotiated o -> negotiated(o);
            case MilterResponse.Progress p -> MilterPacket.of('p');
            case MilterResponse.Continue c -> MilterPacket.of('c');
            case MilterResponse.Accept a -> MilterPacket.of('a');
            case MilterResponse.Reject r -> MilterPacket.of('r');
            case MilterResponse.Tempfail t -> MilterPacket.of('t');
            case MilterResponse.Discard d -> MilterPacket.of('d');
            case MilterResponse.ConnectionFailure f -> MilterPacket.of('f');
            case MilterResponse.Skip s -> MilterPacket.of('s');
            case MilterResponse.ReplyCode y -> new Strings().add(replyText(y)).packet('y');
            case MilterResponse.AddHeader h -> new Strings().add(h.name()).add(h.value()).packet('h');
            case MilterResponse.InsertHeader h -> indexed('i', h.index(), h.name(), h.value());
            case MilterResponse.ChangeHeader h -> indexed('m', h.index(), h.name(), h.value());
            case MilterResponse.ReplaceBody b -> new MilterPacket('b', b.chunk());
            case MilterResponse.AddRecipient r -> r.parameters()
                    .map(p -> new Strings().add(r.recipient()).add(p).packet('2'))
                    .orElseGet(() -> new Strings().add(r.recipient()).packet('+'));
            case MilterResponse.DeleteRecipient r -> new Strings().add(r.recipient()).packet('-');
            case MilterResponse.ChangeSender e -> {
                Strings out = new Strings().add(e.sender());
                e.parameters().ifPresent(out::add);
                yield out.packet('e');
            }
            case MilterResponse.Quarantine q -> new Strings().add(q.reason()).packet('q');
        };
    }

    /**
     * {@code 550 5.7.1 text}: the MTA says exactly this. A {@code %} is doubled, since Sendmail
     * reads the text as a format and Postfix undoes the doubling.
     */
    static String replyText(MilterResponse.ReplyCode y) {
        return y.code() + " " + (y.enhancedCode().isEmpty() ? "" : y.enhancedCode() + " ") + y.text().replace("%", "%%");
    }

    private static MilterPacket negotiated(MilterResponse.Negotiated o) {
        Strings lists = new Strings();
        for (Map.Entry<Integer, java.util.List<String>> list : new java.util.TreeMap<>(o.symbolLists()).entrySet()) {
            int stage = list.getKey();
            lists.raw((byte) (stage >>> 24)).raw((byte) (stage >>> 16)).raw((byte) (stage >>> 8)).raw((byte) stage);
            lists.add(String.join(" ", list.getValue()));
        }
        byte[] tail = lists.packet('O').data();
        return new MilterPacket('O', ByteBuffer.allocate(12 + tail.length)
                .putInt(o.version()).putInt(o.actions()).putInt(o.protocol()).put(tail).array());
    }

    private static MilterPacket indexed(char code, int index, String name, String value) {
        byte[] strings = new Strings().add(name).add(value).packet(code).data();
        return new MilterPacket(code, ByteBuffer.allocate(4 + strings.length).putInt(index).put(strings).array());
    }
}
