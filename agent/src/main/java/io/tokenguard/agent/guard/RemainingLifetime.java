package io.tokenguard.agent.guard;

import io.tokenguard.bootstrap.TokenHttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Where a cached answer says {@code expires_in}, so a later serve can say how long is really left:
 * served 59 minutes after issuance, a 1-hour token claiming 3600 s makes an app that caches by
 * {@code expires_in} use it after it expired. The value is rewritten in place (whole seconds);
 * every other byte of the answer stays as the provider sent it, and Content-Length follows.
 */
final class RemainingLifetime {
    private final int offset;
    private final int length;
    private final double seconds;
    private final long settledAtNanos;
    /** The last rewrite, by elapsed whole second: a cache hit rewrites at most once a second. */
    private volatile Rewrite last;

    /**
     * @param offset  first byte of the value's digits in the body (inside the quotes of a JSON string)
     * @param length  how many bytes the digits take
     * @param seconds the lifetime the provider gave
     */
    RemainingLifetime(int offset, int length, double seconds, long settledAtNanos) {
        this.offset = offset;
        this.length = length;
        this.seconds = seconds;
        this.settledAtNanos = settledAtNanos;
    }

    // What the fleet's second level keeps of it (FleetRecords), to rebuild it in another JVM.
    int offset() {
        return offset;
    }

    int length() {
        return length;
    }

    double seconds() {
        return seconds;
    }

    long settledAtNanos() {
        return settledAtNanos;
    }

    /** The answer as it is to be served now: the original until a whole second has passed. */
    TokenHttpResponse at(TokenHttpResponse original, long nowNanos) {
        long elapsed = TimeUnit.NANOSECONDS.toSeconds(Math.max(0, nowNanos - settledAtNanos));
        if (elapsed == 0) {
            return original;
        }
        Rewrite r = last;
        if (r != null && r.elapsed == elapsed) {
            return r.response;
        }
        long left = (long) Math.max(0, Math.floor(seconds - elapsed));
        byte[] digits = Long.toString(left).getBytes(StandardCharsets.US_ASCII);
        byte[] body = original.body();
        byte[] rewritten = Arrays.copyOf(body, body.length - length + digits.length);
        System.arraycopy(digits, 0, rewritten, offset, digits.length);
        System.arraycopy(body, offset + length, rewritten, offset + digits.length, body.length - offset - length);
        TokenHttpResponse served = new TokenHttpResponse(original.status(), original.reason(),
                original.headers().replacing("Content-Length", Integer.toString(rewritten.length)), rewritten,
                original.source());
        last = new Rewrite(elapsed, served);
        return served;
    }

    private static final class Rewrite {
        final long elapsed;
        final TokenHttpResponse response;

        Rewrite(long elapsed, TokenHttpResponse response) {
            this.elapsed = elapsed;
            this.response = response;
        }
    }
}
