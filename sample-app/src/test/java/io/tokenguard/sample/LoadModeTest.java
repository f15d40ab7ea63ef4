package io.tokenguard.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.sample.idp.EmulatedIdp;
import io.tokenguard.sample.idp.IdpOptions;
import io.tokenguard.sample.idp.ManualClock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** --load-seconds, the masked labels of --users entries with a password, and --print-mbeans. */
class LoadModeTest {
    private final EmulatedIdp idp = EmulatedIdp.start(IdpOptions.defaults().withClock(new ManualClock()));

    @AfterEach
    void stop() {
        idp.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void loadModeKeepsEveryThreadAskingUntilTheTimeIsUp() {
        AppRun run = AppRun.of("--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "carol",
                "--threads", "4", "--load-seconds", "1", "--api", "false", "--quiet");

        Map<String, Object> result = run.result();
        Map<String, Object> carol = AppRun.row(result, "eloqua", "carol");
        long asked = (Long) carol.get("asked");
        // Far more than one pass per thread, and every one of them reached the (unguarded) IdP.
        assertThat(asked).isGreaterThan(4 * 5);
        assertThat(idp.tokenCalls("eloqua", "carol")).isEqualTo((int) asked);
        assertThat((Map<String, Object>) carol.get("statuses")).containsEntry("200", 1L)
                .containsEntry("429", asked - 1);
        assertThat((Long) result.get("elapsedMs")).isGreaterThanOrEqualTo(1000L);
        assertThat(run.exitCode).isEqualTo(SampleApp.EXIT_ERRORS);
    }

    @Test
    void aUsersEntryWithAPasswordIsShownWithoutIt() {
        AppRun run = AppRun.of("--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "alice:S3cr3t-Pw,bob",
                "--threads", "1", "--iterations", "1");

        assertThat(AppRun.row(run.result(), "eloqua", "alice:***").get("statuses")).isEqualTo(Map.of("400", 1L));
        assertThat(AppRun.row(run.result(), "eloqua", "bob").get("statuses")).isEqualTo(Map.of("200", 1L));
        assertThat(run.out + run.err).doesNotContain("S3cr3t-Pw");
    }

    @Test
    void loadSecondsMustBePositive() {
        AppRun run = AppRun.of("--load-seconds", "0");
        assertThat(run.exitCode).isEqualTo(SampleApp.EXIT_USAGE);
        assertThat(run.err).contains("--load-seconds must be at least 1");
    }

    @Test
    void printMBeansListsTheCountOfEveryMBeanInTheDomain() throws Exception {
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = new javax.management.ObjectName("sampletest:name=probe");
        server.registerMBean(new CountProbe(), name);
        try {
            AppRun run = AppRun.of("--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "carol",
                    "--threads", "1", "--iterations", "1", "--quiet", "--print-mbeans", "sampletest");
            assertThat(run.out).contains("SAMPLE-MBEAN sampletest:name=probe Count=7\n");
        } finally {
            server.unregisterMBean(name);
        }
    }

    /** A standard MBean with a Count attribute, as a JMX meter has. */
    public interface CountProbeMBean {
        long getCount();
    }

    public static final class CountProbe implements CountProbeMBean {
        @Override
        public long getCount() {
            return 7;
        }
    }
}
