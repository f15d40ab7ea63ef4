package io.tokenguard.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.TestFaults;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every client adapter keeps, in-process (OpenTelemetry's AbstractHttpClientTest): one
 * subclass per registered client ({@link Clients#ALL}) supplies a small {@link ClientDriver}, and every
 * client inherits the same scenarios against a loopback IdP and a real guard: a cache hit is the
 * client's own response type; identical requests in flight make one upstream call; every request is
 * tagged with its client; a waiting request gives up after its own client's timeout, failing as the
 * bare client fails; an armed synthetic-response fault falls back without a second send; and any other
 * request is byte for byte what the bare client gets. The child-JVM matrix (it/) still covers versions,
 * JDKs and class loaders.
 */
public abstract class ClientContractTest {
    protected static final Duration BOUND = Duration.ofSeconds(30);
    protected static final String FORM = "grant_type=client_credentials&client_id=app&client_secret=s3cret";
    private static final int FOLLOWER_TIMEOUT = 400;
    private static final int FOLLOWERS = 7;

    protected LoopbackIdp idp;
    protected ContractGuard guard;
    protected ClientDriver client;

    /** The client's name in {@link Clients#ALL}. */
    protected abstract String clientName();

    protected abstract ClientDriver driver() throws Exception;

    @BeforeEach
    void start() throws Exception {
        idp = new LoopbackIdp();
        guard = new ContractGuard(LoopbackIdp.TOKEN_PATH);
        client = driver();
    }

    @AfterEach
    void stop() throws Exception {
        TestFaults.arm(0);
        idp.release();
        try {
            client.close();
        } finally {
            guard.close();
            idp.close();
        }
    }

    /** The guard's faults, for a subclass's own cases (the guard's type is this package's). */
    protected final List<String> faults() {
        return guard.faults;
    }

    /** The requests that reached the guard. */
    protected final int entered() {
        return guard.entered.get();
    }

    /** The client tags of the requests the guard decided on. */
    protected final List<String> requestClients() {
        return guard.requestClients;
    }

    private HttpClientKind kind() {
        return Clients.ALL.stream().filter(c -> c.name().equals(clientName())).findFirst()
                .orElseThrow(() -> new AssertionError("no registered client " + clientName())).kind();
    }

    private URL token() throws Exception {
        return idp.url(LoopbackIdp.TOKEN_PATH);
    }

    private CompletableFuture<Reply> async(URL url, int timeoutMillis, boolean guarded) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return client.post(url, FORM, timeoutMillis, guarded);
            } catch (Exception e) {
                return Reply.failed(e);
            }
        }, r -> {
            Thread t = new Thread(r, "contract-call");
            t.setDaemon(true);
            t.start();
        });
    }

    private static String accessToken(Reply r) {
        assertThat(r.body).as(r.toString()).contains("\"access_token\":\"tok-");
        int at = r.body.indexOf("tok-");
        return r.body.substring(at, r.body.indexOf('"', at));
    }

    @Test
    void aCacheHitIsTheClientsOwnResponse() throws Exception {
        Reply first = client.post(token(), FORM, 10_000, true);
        Reply hit = client.post(token(), FORM, 10_000, true);

        assertThat(first.status).as(first.toString()).isEqualTo(200);
        assertThat(first.marker()).isNull();
        assertThat(hit.status).as(hit.toString()).isEqualTo(200);
        assertThat(hit.marker()).isEqualTo("cache");
        assertThat(accessToken(hit)).isEqualTo(accessToken(first));
        assertThat(first.response).isInstanceOf(client.responseType());
        assertThat(hit.response).isInstanceOf(client.responseType());
        assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(1);
        assertThat(guard.faults).isEmpty();
    }

    @Test
    void identicalRequestsInFlightMakeOneUpstreamCall() {
        assertTimeoutPreemptively(BOUND, () -> {
            idp.hold();
            CompletableFuture<Reply> leader = async(token(), 0, true);
            Awaitility.await("the leader reached the IdP").atMost(BOUND).pollInterval(Duration.ofMillis(5))
                    .until(() -> idp.requests(LoopbackIdp.TOKEN_PATH) == 1);
            List<CompletableFuture<Reply>> followers = new ArrayList<>();
            for (int i = 0; i < FOLLOWERS; i++) {
                followers.add(async(token(), 0, true));
            }
            // Every follower reached the guard (it joins the request in flight there, or, late, is served
            // from the cache) before the leader's answer is let through.
            Awaitility.await("the followers reached the guard").atMost(BOUND).pollInterval(Duration.ofMillis(5))
                    .until(() -> guard.entered.get() >= FOLLOWERS + 1);
            idp.release();

            String tok = accessToken(leader.get(BOUND.toMillis(), TimeUnit.MILLISECONDS));
            for (CompletableFuture<Reply> f : followers) {
                Reply r = f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(r.status).as(r.toString()).isEqualTo(200);
                assertThat(accessToken(r)).isEqualTo(tok);
                assertThat(r.marker()).isIn("coalesced", "cache");
                assertThat(r.response).isInstanceOf(client.responseType());
            }
            assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(1);
            assertThat(guard.faults).isEmpty();
        });
    }

    @Test
    void everyRequestIsTaggedWithItsClient() throws Exception {
        client.post(token(), FORM, 10_000, true);
        client.post(token(), FORM, 10_000, true);
        assertThat(guard.requestClients).containsExactly(kind().tag(), kind().tag());
        assertThat(guard.upstreamClients).containsExactly(kind().tag());
    }

    @Test
    void aWaitingRequestGivesUpAfterItsOwnClientsTimeout() {
        assertTimeoutPreemptively(BOUND.multipliedBy(2), () -> {
            idp.hold();
            Reply bare = async(idp.url(LoopbackIdp.BARE_PATH), FOLLOWER_TIMEOUT, false)
                    .get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(bare.failure).as("the bare client times out: " + bare).isNotNull();

            CompletableFuture<Reply> leader = async(token(), 0, true);
            Awaitility.await("the leader reached the IdP").atMost(BOUND).pollInterval(Duration.ofMillis(5))
                    .until(() -> idp.requests(LoopbackIdp.TOKEN_PATH) == 1);
            long t0 = System.nanoTime();
            Reply follower = async(token(), FOLLOWER_TIMEOUT, true).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            assertThat(follower.failure).as(follower.toString()).isEqualTo(bare.failure);
            assertThat(elapsed).isBetween((long) FOLLOWER_TIMEOUT, FOLLOWER_TIMEOUT + 15_000L);
            assertThat(leader).as("the leader still waits for its upstream").isNotDone();

            idp.release();
            Reply led = leader.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(led.status).as(led.toString()).isEqualTo(200);
            assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(1);
            assertThat(guard.faults).isEmpty();
        });
    }

    @Test
    void anArmedSyntheticFaultFallsBackWithoutASecondSend() throws Exception {
        TestFaults.arm(TestFaults.SYNTHETIC);
        // The call's own upstream answer needs no synthetic response: no fault.
        Reply own = client.post(token(), FORM, 10_000, true);
        assertThat(own.status).as(own.toString()).isEqualTo(200);
        assertThat(guard.faults).isEmpty();

        // A cache hit must be built: that fails, and the call goes upstream itself, once.
        Reply fallBack = client.post(token(), FORM, 10_000, true);
        assertThat(fallBack.status).as(fallBack.toString()).isEqualTo(200);
        assertThat(fallBack.marker()).isNull();
        assertThat(accessToken(fallBack)).isEqualTo("tok-2");
        assertThat(fallBack.response).isInstanceOf(client.responseType());
        assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(2);
        assertThat(guard.faults).hasSize(1).allMatch(f -> f.startsWith("synthetic: "));
    }

    @Test
    void anyOtherRequestIsByteForByteWhatTheBareClientGets() throws Exception {
        URL echo = idp.url(LoopbackIdp.ECHO_PATH);
        assertThat(client.get(echo, true)).isEqualTo(client.get(echo, false));
        Reply guarded = client.post(echo, FORM, 10_000, true);
        assertThat(guarded).isEqualTo(client.post(echo, FORM, 10_000, false));
        assertThat(guarded.status).isEqualTo(200);
        assertThat(guarded.body).isEqualTo("echo POST " + FORM);
        assertThat(idp.requests(LoopbackIdp.ECHO_PATH)).isEqualTo(4);
        assertThat(guard.requestClients).isEmpty();
        assertThat(guard.faults).isEmpty();
    }
}
