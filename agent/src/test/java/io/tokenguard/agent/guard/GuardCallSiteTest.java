package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.eloqua;
import static io.tokenguard.agent.guard.TestRequests.eloquaPassword;
import static io.tokenguard.agent.guard.TestRequests.settings;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.careless.CarelessBilling;
import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.Mode;
import org.junit.jupiter.api.Test;

/** A violation names the app's code that made the request (issue 15 §2), never an argument. */
class GuardCallSiteTest {
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();

    @Test
    void aViolationNamesTheFirstFrameOutsideTokenGuardTheJdkAndTheLibraries() throws Exception {
        EndpointRule rule = eloqua(OnLimit.REJECT);
        Guard g = new Guard(settings(Mode.ENFORCE, rule), clock, listener);
        g.exchange(rule, eloquaPassword("alice", "alice-pw"), idp.upstream());
        // Another sign-in of alice within the minute (not the cached one) is refused: from CarelessBilling.
        int status = CarelessBilling.refreshToken(() -> g.exchange(rule, eloquaPassword("alice", "typo-pw"),
                idp.upstream()).status());
        assertThat(status).isEqualTo(429);
        assertThat(listener.violations).hasSize(1);
        assertThat(listener.violations.get(0).callSite()).matches("com\\.example\\.careless\\.CarelessBilling"
                + "\\.refreshToken:\\d+");
    }

    @Test
    void theJdkLibrariesAgentsAndTokenGuardAreNotTheApp() {
        assertThat(CallSites.isApp("java.net.HttpURLConnection")).isFalse();
        assertThat(CallSites.isApp("sun.net.www.protocol.http.HttpURLConnection")).isFalse();
        assertThat(CallSites.isApp("okhttp3.RealCall")).isFalse();
        assertThat(CallSites.isApp("org.apache.hc.client5.http.impl.classic.InternalHttpClient")).isFalse();
        assertThat(CallSites.isApp("org.springframework.security.oauth2.client.endpoint.RestClientClientCredentials"
                + "TokenResponseClient")).isFalse();
        assertThat(CallSites.isApp("com.google.auth.oauth2.ServiceAccountCredentials")).isFalse();
        assertThat(CallSites.isApp("com.microsoft.aad.msal4j.TokenRequestExecutor")).isFalse();
        assertThat(CallSites.isApp("io.tokenguard.agent.guard.Guard")).isFalse();
        assertThat(CallSites.isApp("io.tokenguard.bootstrap.Bridge")).isFalse();
        assertThat(CallSites.isApp("io.opentelemetry.javaagent.bootstrap.Java8BytecodeBridge")).isFalse();
        assertThat(CallSites.isApp("com.example.careless.CarelessBilling")).isTrue();
        // The sample app is an app like any other.
        assertThat(CallSites.isApp("io.tokenguard.sample.Workload")).isTrue();
    }
}
