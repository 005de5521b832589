package org.portcullis.message;

import java.util.Map;
import org.portcullis.filter.ContentSource;
import org.portcullis.filter.MediaType;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.MimePart;
import org.portcullis.filter.Mutation;

/** The policy action "strip an attachment": the part gives way to a short text naming the removed file. */
public final class AttachmentStrip {

    /** The notice's default wording; {@code {filename}} stands for the removed file's name. */
    public static final String DEFAULT_NOTICE = "The attachment \"{filename}\" was removed by the mail gateway.";

    private static final MediaType NOTICE_TYPE = new MediaType("text", "plain", Map.of("charset", "utf-8"));

    private AttachmentStrip() {
    }

    public static Mutation strip(MessageView message, String path) {
        return strip(message, path, DEFAULT_NOTICE);
    }

    /**
     * The mutation that replaces the part at {@code path} with a text/plain notice. A file that
     * was uuencoded inside a text part is cut out of that text, the notice in its place.
     *
     * @throws IllegalArgumentException when the message has no such part
     */
    public static Mutation strip(MessageView message, String path, String notice) {
        MimePart part = message.parts().filter(p -> p.path().equals(path)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the message has no part " + path));
        String text = notice.replace("{filename}", part.filename().orElse("(no name)"));
        if (part instanceof ParsedPart parsed && parsed.isUuencoded()) {
            ParsedPart holder = holderOf(message, parsed);
            int index = holder.uuencodedFiles().indexOf(parsed) + 1;
            ContentSource cut = () -> new UuencodedFileCut(holder.openDecoded(), index, text);
            return new Mutation.ReplacePart(holder.path(), holder.contentType(), cut);
        }
        return new Mutation.ReplacePart(path, NOTICE_TYPE, ContentSource.of(text + "\r\n"));
    }

    private static ParsedPart holderOf(MessageView message, ParsedPart file) {
        return message.parts().filter(p -> p instanceof ParsedPart h && h.uuencodedFiles().contains(file))
                .map(ParsedPart.class::cast).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no text part holds " + file.path()));
    }
}
