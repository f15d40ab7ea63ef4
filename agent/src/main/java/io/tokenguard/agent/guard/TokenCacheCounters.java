package io.tokenguard.agent.guard;

import java.util.concurrent.atomic.LongAdder;

/**
 * The token cache's statistics, counted by the guard itself so that every store reports the same
 * figures with the same meaning: the answer store tells only its size and evictions.
 */
final class TokenCacheCounters implements TokenCacheStats {
    private final AnswerStore answers;
    private final InFlight inFlight;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    /** Leaders that settled with an answer no one may be served later (TTL 0): expired at once. */
    private final LongAdder expiredAtOnce = new LongAdder();

    TokenCacheCounters(AnswerStore answers, InFlight inFlight) {
        this.answers = answers;
        this.inFlight = inFlight;
    }

    void hit() {
        hits.increment();
    }

    void miss() {
        misses.increment();
    }

    /**
     * A leader settled with an answer: kept in the store, or not (TTL 0), which Caffeine, holding
     * every leader's entry, counted as an entry expired at once.
     */
    void settled(boolean kept) {
        puts.increment();
        if (!kept) {
            expiredAtOnce.increment();
        }
    }

    /** A leader failed (its upstream call did) or stepped aside. */
    void failed() {
        puts.increment();
    }

    @Override
    public long size() {
        return answers.size() + inFlight.size();
    }

    @Override
    public long hits() {
        return hits.sum();
    }

    @Override
    public long misses() {
        return misses.sum();
    }

    @Override
    public long puts() {
        return puts.sum();
    }

    @Override
    public long evictions() {
        return answers.evictions() + expiredAtOnce.sum();
    }
}
