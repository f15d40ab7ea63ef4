package io.tokenguard.agent.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.util.List;

/**
 * Identities the provider told to back off (429, or its lockout signature), with the answer it
 * gave, until the back-off is over. While one holds, requests are answered locally.
 */
final class Cooldowns {
    private final GuardClock clock;
    private final Cache<String, Cooldown> active;

    Cooldowns(GuardClock clock, int maxIdentities) {
        this.clock = clock;
        this.active = Caffeine.newBuilder()
                .maximumSize(maxIdentities)
                .expireAfter(Expiry.creating((String key, Cooldown c) -> java.time.Duration.ofNanos(
                        Math.max(1, c.untilNanos - clock.nanoTime()))))
                .ticker(clock.ticker())
                .executor(Runnable::run)
                .build();
    }

    /** Holds every key of the request (each reading of an ambiguous one: the stricter reading). */
    void start(List<String> cooldownKeys, String kind, TokenHttpResponse providerAnswer, long durationNanos) {
        Cooldown c = new Cooldown(kind, providerAnswer, clock.nanoTime() + durationNanos);
        for (String key : cooldownKeys) {
            active.put(key, c);
        }
    }

    /** The cooldown in force for any of these keys, or null. */
    Cooldown current(List<String> cooldownKeys) {
        long now = clock.nanoTime();
        for (String key : cooldownKeys) {
            Cooldown c = active.getIfPresent(key);
            if (c != null && c.remainingNanos(now) > 0) {
                return c;
            }
        }
        return null;
    }

    static final class Cooldown {
        private final String kind;
        private final TokenHttpResponse providerAnswer;
        private final long untilNanos;

        Cooldown(String kind, TokenHttpResponse providerAnswer, long untilNanos) {
            this.kind = kind;
            this.providerAnswer = providerAnswer;
            this.untilNanos = untilNanos;
        }

        /** The violation kind that started it (upstream_rate_limited or upstream_lockout). */
        String kind() {
            return kind;
        }

        TokenHttpResponse providerAnswer() {
            return providerAnswer;
        }

        long remainingNanos(long now) {
            return untilNanos - now;
        }
    }
}
