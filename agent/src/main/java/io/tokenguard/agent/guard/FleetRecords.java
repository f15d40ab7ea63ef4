package io.tokenguard.agent.guard;

import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The plaintext of what the fleet keeps in Redis (sealed by FleetCipher before it leaves the JVM):
 * a settled answer with when it expires and where its expires_in is, or a cooldown with the
 * provider's answer and when it ends. Times are wall-clock milliseconds, the one clock JVMs share;
 * each JVM turns them back into its own guard clock's nanoseconds when it reads them.
 */
final class FleetRecords {
    private static final int ANSWER = 1;
    private static final int COOLDOWN = 2;

    private FleetRecords() {
    }

    static byte[] answer(Outcome outcome, long nowNanos, long nowWallMillis) {
        return write(out -> {
            out.writeByte(ANSWER);
            out.writeLong(nowWallMillis + outcome.ttlNanos() / 1_000_000L);
            RemainingLifetime l = outcome.lifetime();
            out.writeBoolean(l != null);
            if (l != null) {
                out.writeInt(l.offset());
                out.writeInt(l.length());
                out.writeDouble(l.seconds());
                out.writeLong(nowWallMillis - (nowNanos - l.settledAtNanos()) / 1_000_000L);
            }
            // Observe mode's shadow remembers only for how long (Outcome.hollow): no answer at all.
            out.writeBoolean(outcome.response() != null);
            if (outcome.response() != null) {
                response(out, outcome.response());
            }
        });
    }

    /** The answer as this JVM serves it, or null when it has expired (or is not an answer). */
    static Outcome readAnswer(byte[] plain, long nowNanos, long nowWallMillis) {
        return read(plain, in -> {
            if (in.readByte() != ANSWER) {
                return null;
            }
            long expiresAt = in.readLong();
            RemainingLifetime lifetime = null;
            if (in.readBoolean()) {
                int offset = in.readInt();
                int length = in.readInt();
                double seconds = in.readDouble();
                long settledWall = in.readLong();
                lifetime = new RemainingLifetime(offset, length, seconds,
                        nowNanos - (nowWallMillis - settledWall) * 1_000_000L);
            }
            TokenHttpResponse response = in.readBoolean() ? response(in) : null;
            long ttl = (expiresAt - nowWallMillis) * 1_000_000L;
            if (ttl <= 0) {
                return null;
            }
            if (response == null) {
                return lifetime == null ? Outcome.hollow(ttl) : null;
            }
            if (lifetime != null && (lifetime.offset() < 0 || lifetime.length() < 0
                    || (long) lifetime.offset() + lifetime.length() > response.body().length)) {
                return null; // not what this JVM could have written: never rewrite a body out of bounds
            }
            return new Outcome(response, ttl, lifetime);
        });
    }

    static byte[] cooldown(Cooldown c, long nowNanos, long nowWallMillis) {
        return write(out -> {
            out.writeByte(COOLDOWN);
            out.writeLong(nowWallMillis + c.remainingNanos(nowNanos) / 1_000_000L);
            out.writeUTF(c.kind());
            response(out, c.providerAnswer());
        });
    }

    /** The cooldown in force, or null when it is over (or this is no cooldown). */
    static Cooldown readCooldown(byte[] plain, long nowNanos, long nowWallMillis) {
        return read(plain, in -> {
            if (in.readByte() != COOLDOWN) {
                return null;
            }
            long until = in.readLong();
            String kind = in.readUTF();
            TokenHttpResponse answer = response(in);
            long left = (until - nowWallMillis) * 1_000_000L;
            return left > 0 ? new Cooldown(kind, answer, nowNanos + left) : null;
        });
    }

    private static void response(DataOutputStream out, TokenHttpResponse r) throws IOException {
        out.writeShort(r.status());
        out.writeUTF(r.reason() == null ? "" : r.reason());
        HttpHeaders h = r.headers();
        out.writeInt(h.size());
        for (int i = 0; i < h.size(); i++) {
            out.writeUTF(h.name(i));
            out.writeUTF(h.value(i));
        }
        out.writeUTF(r.source().name());
        byte[] body = r.body();
        out.writeInt(body.length);
        out.write(body);
    }

    private static TokenHttpResponse response(DataInputStream in) throws IOException {
        int status = in.readShort();
        String reason = in.readUTF();
        int n = in.readInt();
        if (n < 0 || n > 10_000) {
            throw new IOException("headers");
        }
        HttpHeaders.Builder h = HttpHeaders.builder();
        for (int i = 0; i < n; i++) {
            h.add(in.readUTF(), in.readUTF());
        }
        ResponseSource source = ResponseSource.valueOf(in.readUTF());
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("body");
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return new TokenHttpResponse(status, reason, h.build(), body, source);
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** null for anything that does not read back whole: a miss, never a half answer. */
    private static <T> T read(byte[] plain, Reader<T> r) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain))) {
            T value = r.read(in);
            return in.available() == 0 ? value : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
