package io.tokenguard.agent.guard;

/**
 * What telemetry is told of the token cache, whatever store holds its answers: the figures
 * Micrometer's Caffeine binder used to read from Caffeine itself, so the meters keep their names,
 * tags and meaning when the store behind them changes. Read on every scrape; cheap, never throws.
 *
 * <p>A request that reaches the cache is a hit when it is answered from a settled or an in-flight
 * answer, and a miss when it goes on to lead; a put is a leader that settled, with an answer or a
 * failure (Caffeine counted these as loads, and the binder reports loads as puts).
 */
public interface TokenCacheStats {
    /** Answers held now: settled, and in flight in this JVM. */
    long size();

    long hits();

    long misses();

    long puts();

    /** Answers that left without being asked to: expired (an uncacheable answer at once) or evicted for room. */
    long evictions();
}
