package org.portcullis.gateway.smtp;

import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.portcullis.gateway.config.SmtpConfig;

/**
 * The timeouts of one session: for the greeting (until the first command), each further
 * command, each block of message data, and the session as a whole. Time the session spends
 * waiting on the gateway itself (an fsync, a password check) does not count against the client.
 * One timer task per session, rescheduled lazily, so idle sessions cost next to nothing.
 */
final class SessionClock {

    private final SmtpConfig config;
    private final Consumer<SmtpMetrics.Limit> onTimeout;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> idleCheck;
    private ScheduledFuture<?> sessionDeadline;
    private long lastActivity;
    private boolean greeted;
    private boolean inData;
    private boolean waitingOnUs;
    private boolean stopped;

    SessionClock(SmtpConfig config, Consumer<SmtpMetrics.Limit> onTimeout) {
        this.config = config;
        this.onTimeout = onTimeout;
    }

    void start(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        lastActivity = System.nanoTime();
        sessionDeadline = ctx.executor().schedule(() -> fire(SmtpMetrics.Limit.SESSION_TIMEOUT),
                config.sessionTimeout().toNanos(), TimeUnit.NANOSECONDS);
        scheduleIdleCheck(stageTimeout());
    }

    void activity() {
        lastActivity = System.nanoTime();
    }

    void commandSeen() {
        greeted = true;
    }

    void inData(boolean value) {
        inData = value;
    }

    void waitingOnUs(boolean value) {
        waitingOnUs = value;
        lastActivity = System.nanoTime();
    }

    void stop() {
        stopped = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (sessionDeadline != null) {
            sessionDeadline.cancel(false);
        }
    }

    private long stageTimeout() {
        return (inData ? config.dataTimeout() : greeted ? config.commandTimeout() : config.greetingTimeout()).toNanos();
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleCheck = ctx.executor().schedule(this::checkIdle, Math.max(delayNanos, 1_000_000), TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (stopped) {
            return;
        }
        long timeout = stageTimeout();
        long idle = System.nanoTime() - lastActivity;
        if (waitingOnUs || idle < timeout) {
            scheduleIdleCheck(waitingOnUs ? timeout : timeout - idle);
            return;
        }
        fire(inData ? SmtpMetrics.Limit.DATA_TIMEOUT
                : greeted ? SmtpMetrics.Limit.COMMAND_TIMEOUT : SmtpMetrics.Limit.GREETING_TIMEOUT);
    }

    private void fire(SmtpMetrics.Limit which) {
        if (!stopped) {
            stop();
            onTimeout.accept(which);
        }
    }
}
