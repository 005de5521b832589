package org.portcullis.gateway.delivery;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Puts a next hop's replies into the inbox its dialogue thread reads, and marks the end of the
 * connection there, so a waiting reader learns of it at once.
 */
final class ReplyInbox extends SimpleChannelInboundHandler<SmtpReply> {

    /** Marks the end of the connection in the inbox. */
    static final Object CLOSED = new Object();

    /**
     * Replies waiting to be read. More than a full pipelined transaction can produce means the
     * hop talks without being asked; it is cut off rather than let fill the heap.
     */
    private static final int MAX_UNREAD_REPLIES = 20_000;

    private final LinkedBlockingQueue<Object> inbox;
    private final Consumer<String> onProblem;
    private volatile boolean closeOnNextReply;

    /** @param onProblem told why the connection broke (an exception, or "closed") */
    ReplyInbox(LinkedBlockingQueue<Object> inbox, Consumer<String> onProblem) {
        this.inbox = inbox;
        this.onProblem = onProblem;
    }

    /** After QUIT: whatever the hop says next ends the connection. */
    void closeOnNextReply() {
        closeOnNextReply = true;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SmtpReply reply) {
        if (closeOnNextReply) {
            ctx.close();
            return;
        }
        if (inbox.size() >= MAX_UNREAD_REPLIES) {
            onProblem.accept("more than " + MAX_UNREAD_REPLIES + " replies nobody asked for");
            ctx.close();
            return;
        }
        inbox.add(reply);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        onProblem.accept(SmtpConnection.describe(cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        onProblem.accept("closed");
        inbox.add(CLOSED);
        ctx.fireChannelInactive();
    }
}
