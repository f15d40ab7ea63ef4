package io.tokenguard.agent.instrument.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.junit.jupiter.api.Test;

/**
 * The app's {@code abort()} of a guarded request fails its listeners at once with its cause, as Jetty
 * does, though the guard never sent that request; it fails no other request: the token request already
 * sent goes on and serves the identical requests that joined it.
 */
class JettyAbortTest extends JettyTokenCalls {
    private static final Duration BOUND = Duration.ofSeconds(10);

    /** One app call: its listener's events, its Result, its body. */
    private static final class Call extends BufferingResponseListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<Result> done = new CompletableFuture<>();
        final Request request;

        Call(Request request) {
            this.request = request;
            request.onResponseFailure((r, f) -> events.add("failure"));
            request.onResponseSuccess(r -> events.add("success"));
        }

        @Override
        public void onComplete(Result result) {
            events.add("complete");
            done.complete(result);
        }

        /** Its Result, which must be there within a second: the IdP still holds every answer. */
        Result now() throws Exception {
            return done.get(1, TimeUnit.SECONDS);
        }

        Result result() throws Exception {
            return done.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Call send(URI uri, boolean guarded) {
        Call call = new Call(tokenRequest(uri));
        send(call.request, call, guarded);
        return call;
    }

    private void awaitAtIdp(int requests) {
        Awaitility.await().atMost(BOUND).pollInterval(Duration.ofMillis(5)).until(() -> idp.received.size() == requests);
    }

    @Test
    void anAbortedRequestFailsAtOnceAsWithoutTheAgent() throws Exception {
        idp.hold();
        Call bare = send(bare(), false);
        awaitAtIdp(1);
        Exception bareCause = new Exception("the app gave up");
        bare.request.abort(bareCause);
        assertThat(bare.now().isFailed()).as("without the agent").isTrue();
        assertThat(bare.now().getFailure()).isSameAs(bareCause);

        Call guarded = send(token(), true);
        awaitAtIdp(2);
        Exception cause = new Exception("the app gave up");
        guarded.request.abort(cause);
        assertThat(guarded.now().isFailed()).as("with the agent").isTrue();
        assertThat(guarded.now().getFailure()).isSameAs(cause);
        assertThat(guarded.events).isEqualTo(bare.events).containsExactly("failure", "complete");

        idp.release();
        // The token request sent for it went on: the next identical request joins it or is served its
        // answer from the cache; the aborted app's listener is not called again.
        String next = JettyTokenCalls.send(tokenRequest(token()), true);
        assertThat(idp.received).hasSize(2);
        assertThat(next).contains("tok-2");
        assertThat(idp.askedFor(next)).isEqualTo(asked("null"));
        assertThat(guarded.events).containsExactly("failure", "complete");
        assertThat(guard.faults).isEmpty();
    }

    @Test
    void theRequestsThatJoinedAnAbortedOneStillGetTheirToken() throws Exception {
        idp.hold();
        Call leader = send(token(), true);
        awaitAtIdp(1);
        Call follower = send(token(), true);
        Awaitility.await().atMost(BOUND).pollInterval(Duration.ofMillis(5)).until(() -> guard.entered.get() == 2);

        leader.request.abort(new Exception("the leader's app gave up"));
        assertThat(leader.now().isFailed()).isTrue();
        assertThat(follower.done).as("the follower waits on").isNotDone();

        idp.release();
        assertThat(follower.result().isSucceeded()).as(String.valueOf(follower.result())).isTrue();
        assertThat(follower.getContentAsString()).contains("tok-1");
        assertThat(idp.askedFor(follower.getContentAsString())).isEqualTo(asked("null"));
        assertThat(idp.received).hasSize(1);
        assertThat(guard.faults).isEmpty();
    }

    @Test
    void anAbortedFollowerFailsAtOnceAndItsLeaderIsServed() throws Exception {
        idp.hold();
        Call leader = send(token(), true);
        awaitAtIdp(1);
        Call follower = send(token(), true);
        Awaitility.await().atMost(BOUND).pollInterval(Duration.ofMillis(5)).until(() -> guard.entered.get() == 2);

        Exception cause = new Exception("the follower's app gave up");
        follower.request.abort(cause);
        assertThat(follower.now().getFailure()).isSameAs(cause);
        assertThat(leader.done).isNotDone();

        idp.release();
        assertThat(leader.result().isSucceeded()).isTrue();
        assertThat(leader.getContentAsString()).contains("tok-1");
        assertThat(follower.events).containsExactly("failure", "complete");
        assertThat(idp.received).hasSize(1);
        assertThat(guard.faults).isEmpty();
    }

    @Test
    void aRequestAbortedBeforeItsSendFailsAsWithoutTheAgent() throws Exception {
        Call bare = new Call(tokenRequest(bare()));
        Exception bareCause = new Exception("gave up early");
        bare.request.abort(bareCause);
        send(bare.request, bare, false);

        Call guarded = new Call(tokenRequest(token()));
        Exception cause = new Exception("gave up early");
        guarded.request.abort(cause);
        send(guarded.request, guarded, true);

        assertThat(bare.result().getFailure()).isSameAs(bareCause);
        assertThat(guarded.result().getFailure()).isSameAs(cause);
        assertThat(guarded.events).isEqualTo(bare.events);
        assertThat(idp.received).isEmpty();
        assertThat(guard.entered).hasValue(0);
    }
}
