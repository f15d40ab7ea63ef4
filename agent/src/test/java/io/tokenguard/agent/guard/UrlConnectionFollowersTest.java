package io.tokenguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Followers of a leader whose upstream hangs, through the JDK's real HttpURLConnection wrapped by the
 * bootstrap's guarded connection and a real guard, against a loopback IdP that holds requests until
 * the test lets go. Every expectation is first taken from the JDK itself: the same request without
 * the guard, on the same kind of thread, against a second hanging IdP.
 */
class UrlConnectionFollowersTest extends AgainstHangingIdp {
    /** One token request on its own thread, remembering how it ended. */
    private static final class Call {
        final String name;
        final int readTimeoutMillis;
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        volatile boolean interruptFlagAtEnd;
        volatile long elapsedNanos;
        Thread thread;

        Call(String name, int readTimeoutMillis) {
            this.name = name;
            this.readTimeoutMillis = readTimeoutMillis;
        }

        void await() {
            assertThat(outcome).as(name).succeedsWithin(BOUND);
        }

        String result() {
            return outcome.join();
        }

        /** Parked in the guard's wait for someone else's answer (the frame is the guard's own). */
        boolean waitingInGuard() {
            return Thread.State.WAITING.equals(thread.getState()) || Thread.State.TIMED_WAITING.equals(thread.getState())
                    ? Arrays.stream(thread.getStackTrace()).anyMatch(f ->
                            f.getClassName().equals(Futures.class.getName()) && f.getMethodName().equals("await"))
                    : false;
        }

        /** Blocked in the JDK's socket read (or parked on it, for a virtual thread). */
        boolean inSocketRead() {
            return Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getClassName().contains("NioSocketImpl"));
        }
    }

    private static Call start(String name, URL url, boolean guarded, int readTimeoutMillis, boolean virtual,
                              Queue<String> finished) throws Exception {
        Call call = new Call(name, readTimeoutMillis);
        Runnable body = () -> {
            long t0 = System.nanoTime();
            String result;
            try {
                HttpURLConnection c = guarded ? BridgedGuard.open(url) : (HttpURLConnection) url.openConnection();
                c.setReadTimeout(readTimeoutMillis);
                c.setRequestMethod("POST");
                c.setDoOutput(true);
                c.setRequestProperty("Authorization", TestRequests.basic("app", "app-secret"));
                c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
                try (OutputStream out = c.getOutputStream()) {
                    out.write("grant_type=client_credentials".getBytes(StandardCharsets.UTF_8));
                }
                int status = c.getResponseCode();
                try (InputStream in = c.getInputStream()) {
                    result = status + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } catch (Throwable e) {
                result = e.getClass().getName() + ": " + e.getMessage();
            }
            call.elapsedNanos = System.nanoTime() - t0;
            call.interruptFlagAtEnd = Thread.currentThread().isInterrupted();
            if (finished != null) {
                finished.add(name);
            }
            call.outcome.complete(result);
        };
        if (virtual) {
            call.thread = (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, body);
        } else {
            call.thread = new Thread(body, name);
            call.thread.setDaemon(true);
            call.thread.start();
        }
        return call;
    }

    private static void awaitUntil(String what, java.util.concurrent.Callable<Boolean> condition) {
        Awaitility.await(what).atMost(BOUND).pollInterval(Duration.ofMillis(5)).until(condition);
    }

    private Call startLeader() throws Exception {
        Call leader = start("leader", idp.url(HangingIdp.TOKEN_PATH), true, 0, false, null);
        awaitUntil("the leader's request reached the IdP", () -> idp.requests(HangingIdp.TOKEN_PATH) == 1);
        return leader;
    }

    @Test
    void followersOfAHangingLeaderEachTimeOutOnTheirOwnReadTimeoutLikeTheJdk() {
        assertTimeoutPreemptively(BOUND.multipliedBy(2), () -> {
            String jdk;
            try (HangingIdp bare = new HangingIdp()) {
                Call alone = start("bare", bare.url(HangingIdp.BARE_PATH), false, 300, false, null);
                alone.await();
                jdk = alone.result();
            }
            assertThat(jdk).startsWith("java.net.SocketTimeoutException");

            Call leader = startLeader();
            Queue<String> finished = new ConcurrentLinkedQueue<>();
            int[] timeouts = {1_800, 300, 900};
            List<Call> followers = new ArrayList<>();
            for (int t : timeouts) {
                followers.add(start("follower-" + t, idp.url(HangingIdp.TOKEN_PATH), true, t, false, finished));
            }
            followers.forEach(Call::await);

            // Each failed at its own timeout: in the order of the timeouts, none before its own.
            assertThat(finished).containsExactly("follower-300", "follower-900", "follower-1800");
            for (Call f : followers) {
                assertThat(f.result()).as(f.name).isEqualTo(jdk);
                assertThat(TimeUnit.NANOSECONDS.toMillis(f.elapsedNanos)).as(f.name)
                        .isBetween((long) f.readTimeoutMillis, f.readTimeoutMillis + 20_000L);
            }
            assertThat(leader.outcome).as("the leader still waits for its upstream").isNotDone();
            assertThat(idp.requests(HangingIdp.TOKEN_PATH)).isEqualTo(1);

            idp.release();
            leader.await();
            assertThat(leader.result()).startsWith("200 ").contains("tok-hung");
            assertThat(idp.requests(HangingIdp.TOKEN_PATH)).isEqualTo(1);
            assertThat(bridged.faults).isEmpty();
        });
    }

    /** The reference: what the JDK does to a waiting HttpURLConnection when its thread is interrupted. */
    private static Call jdkInterrupted(boolean virtual) throws Exception {
        try (HangingIdp bare = new HangingIdp()) {
            Call alone = start("bare", bare.url(HangingIdp.BARE_PATH), false, 30_000, virtual, null);
            awaitUntil("the bare request waits in its socket read",
                    () -> bare.requests(HangingIdp.BARE_PATH) == 1 && alone.inSocketRead());
            alone.thread.interrupt();
            // Until it ended, or consumed the interrupt and went on reading.
            awaitUntil("the bare request reacted", () -> alone.outcome.isDone() || alone.inSocketRead());
            bare.release();
            alone.await();
            return alone;
        }
    }

    @ParameterizedTest(name = "virtual thread: {0}")
    @ValueSource(booleans = {false, true})
    void interruptingAWaitingFollowerAffectsOnlyThatRequestAndMatchesTheJdk(boolean virtual) {
        assumeTrue(!virtual || Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
        assertTimeoutPreemptively(BOUND.multipliedBy(2), () -> {
            Call jdk = jdkInterrupted(virtual);
            if (!virtual) {
                // Platform threads: a blocking socket read ignores the interrupt and keeps the flag set.
                assertThat(jdk.result()).startsWith("200 ");
                assertThat(jdk.interruptFlagAtEnd).isTrue();
            }

            Call leader = startLeader();
            URL url = idp.url(HangingIdp.TOKEN_PATH);
            Call victim = start("victim", url, true, 30_000, virtual, null);
            Call other1 = start("other-1", url, true, 30_000, false, null);
            Call other2 = start("other-2", url, true, 30_000, false, null);
            awaitUntil("all three followers wait in the guard",
                    () -> victim.waitingInGuard() && other1.waitingInGuard() && other2.waitingInGuard());

            victim.thread.interrupt();
            // Until it ended, or consumed the interrupt (flag clear while waiting) and waits again.
            awaitUntil("the victim reacted", () -> victim.outcome.isDone()
                    || victim.waitingInGuard() && !victim.thread.isInterrupted());
            idp.release();

            for (Call c : List.of(leader, victim, other1, other2)) {
                c.await();
            }
            assertThat(victim.result()).isEqualTo(jdk.result());
            assertThat(victim.interruptFlagAtEnd).isEqualTo(jdk.interruptFlagAtEnd);
            assertThat(leader.result()).startsWith("200 ").contains("tok-hung");
            assertThat(other1.result()).isEqualTo(leader.result());
            assertThat(other2.result()).isEqualTo(leader.result());
            assertThat(other1.interruptFlagAtEnd).isFalse();
            assertThat(other2.interruptFlagAtEnd).isFalse();
            assertThat(idp.requests(HangingIdp.TOKEN_PATH)).isEqualTo(1);
            assertThat(bridged.faults).isEmpty();
        });
    }
}
