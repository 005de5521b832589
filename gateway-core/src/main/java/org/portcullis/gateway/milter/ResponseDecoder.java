package org.portcullis.gateway.milter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.portcullis.gateway.milter.MilterResponse.Accept;
import org.portcullis.gateway.milter.MilterResponse.AddHeader;
import org.portcullis.gateway.milter.MilterResponse.AddRecipient;
import org.portcullis.gateway.milter.MilterResponse.ChangeHeader;
import org.portcullis.gateway.milter.MilterResponse.ChangeSender;
import org.portcullis.gateway.milter.MilterResponse.ConnectionFailure;
import org.portcullis.gateway.milter.MilterResponse.Continue;
import org.portcullis.gateway.milter.MilterResponse.DeleteRecipient;
import org.portcullis.gateway.milter.MilterResponse.Discard;
import org.portcullis.gateway.milter.MilterResponse.InsertHeader;
import org.portcullis.gateway.milter.MilterResponse.Negotiated;
import org.portcullis.gateway.milter.MilterResponse.Progress;
import org.portcullis.gateway.milter.MilterResponse.Quarantine;
import org.portcullis.gateway.milter.MilterResponse.Reject;
import org.portcullis.gateway.milter.MilterResponse.ReplaceBody;
import org.portcullis.gateway.milter.MilterResponse.ReplyCode;
import org.portcullis.gateway.milter.MilterResponse.Skip;
import org.portcullis.gateway.milter.MilterResponse.Tempfail;

/** Turns a packet from a milter into a {@link MilterResponse}, or says exactly what is wrong with it. */
final class ResponseDecoder {

    private static final Pattern REPLY_LINE = Pattern.compile(
            "([45][0-5][0-9])(?:([ -])(?:([45]\\.\\d{1,3}\\.\\d{1,3})(?: |$))?(.*))?");

    private ResponseDecoder() {
    }

    static MilterResponse decode(MilterPacket packet) throws MilterProtocolException {
        PacketReader in = new PacketReader(packet);
        MilterResponse response = switch (packet.code()) {
            case 'O' -> negotiated(in);
            case 'p' -> new Progress();
            case 'c' -> new Continue();
            case 'a' -> new Accept();
            case 'r' -> new Reject();
            case 't' -> new Tempfail();
            case 'd' -> new Discard();
            case 'f' -> new ConnectionFailure();
            case 's' -> new Skip();
            case 'y' -> replyCode(in.string("reply"));
            case 'h' -> new AddHeader(in.string("header name"), in.string("header value"));
            case 'i' -> new InsertHeader(in.index(), in.string("header name"), in.string("header value"));
            case 'm' -> new ChangeHeader(in.index(), in.string("header name"), in.string("header value"));
            case 'b' -> new ReplaceBody(in.rest());
            case '+' -> new AddRecipient(in.string("recipient"), Optional.empty());
            case '2' -> new AddRecipient(in.string("recipient"), Optional.of(in.string("parameters")));
            case '-' -> new DeleteRecipient(in.string("recipient"));
            case 'e' -> new ChangeSender(in.string("sender"), in.optionalString());
            case 'q' -> new Quarantine(in.string("reason"));
            default -> throw new MilterProtocolException("unknown response code '" + PacketDecoder.printable(packet.code()) + "'");
        };
        in.requireEnd();
        return response;
    }

    private static Negotiated negotiated(PacketReader in) throws MilterProtocolException {
        int version = in.integer("version");
        int actions = in.integer("actions");
        int protocol = in.integer("protocol");
        Map<Integer, List<String>> lists = new LinkedHashMap<>();
        while (in.hasMore()) {
            int stage = in.integer("macro stage");
            String names = in.string("macro list");
            if (stage < 0 || stage > 6) {
                throw new MilterProtocolException("macro list for unknown stage " + stage);
            }
            lists.put(stage, Arrays.stream(names.split("[ ,]+")).filter(s -> !s.isEmpty()).toList());
        }
        return new Negotiated(version, actions, protocol, lists);
    }

    /** {@code 550 5.7.1 text}, or several lines {@code 550-5.7.1 a\r\n550 5.7.1 b}; {@code %%} is a single {@code %}. */
    static ReplyCode replyCode(String reply) throws MilterProtocolException {
        String[] lines = reply.split("\r?\n");
        int code = -1;
        String enhanced = "";
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = REPLY_LINE.matcher(lines[i]);
            if (!m.matches()) {
                throw new MilterProtocolException("not an SMTP reply: " + reply);
            }
            int lineCode = Integer.parseInt(m.group(1));
            boolean last = i == lines.length - 1;
            boolean continued = "-".equals(m.group(2));
            if ((code != -1 && lineCode != code) || continued == last) {
                throw new MilterProtocolException("inconsistent multi-line reply: " + reply);
            }
            code = lineCode;
            if (m.group(3) != null && m.group(3).charAt(0) == m.group(1).charAt(0) && enhanced.isEmpty()) {
                enhanced = m.group(3);
            }
            if (m.group(4) != null && !m.group(4).isBlank()) {
                texts.add(m.group(4).strip().replace("%%", "%"));
            }
        }
        return new ReplyCode(code, enhanced, String.join(" ", texts));
    }
}
