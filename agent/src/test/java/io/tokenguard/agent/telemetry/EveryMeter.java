package io.tokenguard.agent.telemetry;

import io.tokenguard.agent.guard.RequestEvent;
import io.tokenguard.agent.guard.ThrottleDelayEvent;
import io.tokenguard.agent.guard.TokenCacheStats;
import io.tokenguard.agent.guard.UpstreamEvent;
import io.tokenguard.agent.guard.Violation;

/** Feeds one of every notification the telemetry turns into a meter, so a scrape shows every meter. */
final class EveryMeter {
    private EveryMeter() {
    }

    static void record(Telemetry telemetry) {
        telemetry.onRequest(new RequestEvent("eloqua", "password", "okhttp", "-", "would_cache"));
        telemetry.onUpstream(new UpstreamEvent("eloqua", "okhttp", 200, 1_000_000, 1));
        telemetry.onViolation(new Violation("eloqua", "app", "h", "password", Violation.LOCAL_LIMIT,
                Violation.OBSERVED, 60, "1/1m"));
        telemetry.onThrottleDelay(new ThrottleDelayEvent("eloqua", "okhttp", 5_000_000, true));
        telemetry.onTokenCache(new FixedCacheStats());
        telemetry.onFault("okhttp", new IllegalStateException("x"));
        telemetry.fleetState(() -> true);
        telemetry.onRedisCall("get", true, 1_000);
        telemetry.onLeaseWait("served", 1_000);
        telemetry.onSecondLevelHit();
    }

    private static final class FixedCacheStats implements TokenCacheStats {
        @Override
        public long size() {
            return 1;
        }

        @Override
        public long hits() {
            return 3;
        }

        @Override
        public long misses() {
            return 1;
        }

        @Override
        public long puts() {
            return 1;
        }

        @Override
        public long evictions() {
            return 0;
        }
    }
}
