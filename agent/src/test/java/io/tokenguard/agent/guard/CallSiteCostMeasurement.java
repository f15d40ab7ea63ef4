package io.tokenguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.careless.CarelessBilling;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Not a test (the name keeps it out of the default run): what naming a violation's call site costs, in
 * the calling thread's CPU time and allocated bytes per {@link CallSites#here()}, with the app's frame
 * under 10 and under 60 frames of TokenGuard and library code (a Spring stack is a few dozen deep). Run
 * with
 *
 * <pre>mvn -B -ntp -o -pl agent-bootstrap,agent test -Dtest=CallSiteCostMeasurement
 *     -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
class CallSiteCostMeasurement {
    private static final int CALLS = 100_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Frames of TokenGuard's own package above the app's, as the guard's and a client's are. */
    private static String below(int frames) {
        return frames == 0 ? CallSites.here() : below(frames - 1);
    }

    private static void measure(int depth) throws Exception {
        String site = CarelessBilling.refreshToken(() -> below(depth));
        assertThat(site).startsWith("com.example.careless.CarelessBilling.refreshToken:");
        for (int round = 1; round <= 3; round++) {
            long cpu = THREADS.getCurrentThreadCpuTime();
            long bytes = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < CALLS; i++) {
                CarelessBilling.refreshToken(() -> below(depth));
            }
            System.out.printf("tokenguard-callsite-cost depth %d round %d: %.2f us, %d B per call site%n", depth, round,
                    (THREADS.getCurrentThreadCpuTime() - cpu) / 1000.0 / CALLS,
                    (THREADS.getThreadAllocatedBytes(Thread.currentThread().getId()) - bytes) / CALLS);
        }
    }

    @Test
    void printTheCostOfNamingACallSite() throws Exception {
        measure(10);
        measure(60);
    }
}
