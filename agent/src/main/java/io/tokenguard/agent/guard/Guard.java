package io.tokenguard.agent.guard;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one place where decisions are made (DESIGN §1): serve from cache, join an identical request
 * in flight, hold back an identity the provider told to back off, apply the per-identity limit,
 * or send upstream once and remember a cacheable answer. Knows nothing of HTTP clients.
 */
public final class Guard {
    private final AgentSettings settings;
    private final GuardClock clock;
    private final GuardListener listener;
    private final IdentityHasher hasher = new IdentityHasher();
    private final ResponseClassifier classifier;
    private final TokenCache cache;
    private final Throttle throttle;
    private final Cooldowns cooldowns;
    private final ObserveShadow shadow;

    public Guard(AgentSettings settings, GuardClock clock, GuardListener listener) {
        this.settings = settings;
        this.clock = clock;
        this.listener = new SafeListener(listener);
        this.classifier = new ResponseClassifier(settings.refreshSkew());
        this.cache = new TokenCache(clock, settings.cacheMaxEntries());
        this.throttle = new Throttle(clock, settings.cacheMaxEntries());
        this.cooldowns = new Cooldowns(clock, settings.cacheMaxEntries());
        this.shadow = settings.mode() == Mode.OBSERVE ? new ObserveShadow(clock, settings.cacheMaxEntries()) : null;
    }

    /** Entries (settled or in flight) currently held by the token cache. */
    public long cacheSize() {
        return cache.size();
    }

    public TokenHttpResponse exchange(EndpointRule rule, TokenHttpRequest request, Upstream upstream) throws IOException {
        if (!"POST".equalsIgnoreCase(request.method())) {
            // Token requests are POSTs (RFC 6749 §3.2); anything else is not ours to judge.
            TokenHttpResponse r = send(rule, upstream);
            listener.onRequest(rule.id(), TokenRequest.GRANT_NONE, "-", "passthrough");
            return r;
        }
        Exchange ex = new Exchange(rule, request, TokenRequestParser.parse(request));
        ex.identity = RequestIdentity.of(hasher, rule, request, ex.parsed, settings.identityHeaders());
        return shadow != null ? observe(ex, upstream) : enforce(ex, upstream);
    }

    private TokenHttpResponse enforce(Exchange ex, Upstream upstream) throws IOException {
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Outcome> joined = cache.join(ex.identity.fingerprint(), mine);
        if (joined != mine) {
            return follow(ex, joined);
        }
        try {
            Outcome outcome = lead(ex, upstream);
            mine.complete(outcome);
            return outcome.response();
        } catch (IOException e) {
            mine.completeExceptionally(e);
            ex.record(listener, "error");
            throw e;
        } catch (Throwable t) {
            // Fail open, and release the followers with whatever the plain request gets.
            listener.onFault("guard", t);
            try {
                TokenHttpResponse r = upstream.send();
                mine.complete(new Outcome(r, 0));
                return r;
            } catch (IOException e) {
                mine.completeExceptionally(e);
                throw e;
            } catch (Throwable again) {
                mine.completeExceptionally(again);
                throw again;
            }
        }
    }

    private TokenHttpResponse follow(Exchange ex, CompletableFuture<Outcome> joined) throws IOException {
        boolean settled = joined.isDone();
        Outcome outcome = await(joined, ex.request.timeoutMillis());
        TokenHttpResponse r = outcome.response();
        ResponseSource source = r.source() != ResponseSource.UPSTREAM ? r.source()
                : settled && outcome.ttlNanos() > 0 ? ResponseSource.CACHE : ResponseSource.COALESCED;
        ex.record(listener, source.label());
        return r.servedAs(source);
    }

    private Outcome await(CompletableFuture<Outcome> future, long timeoutMillis) throws IOException {
        long waitMillis = timeoutMillis > 0 ? timeoutMillis : settings.coalesceMaxWait().toMillis();
        try {
            return future.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw FollowerFailures.interrupted();
        } catch (TimeoutException e) {
            throw FollowerFailures.timedOut();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw FollowerFailures.copyOf((IOException) cause);
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IOException("identical token request failed", cause);
        }
    }

    private Outcome lead(Exchange ex, Upstream upstream) throws IOException {
        EndpointRule rule = ex.rule;
        boolean limited = !rule.isExempt(ex.parsed.grant());
        String outcomeLabel = ResponseSource.UPSTREAM.label();
        if (limited) {
            Cooldowns.Cooldown cooldown = cooldowns.current(ex.identity.throttleKey());
            if (cooldown != null) {
                long left = cooldown.remainingNanos(clock.nanoTime());
                ex.violation(listener, cooldown.kind(), Violation.REJECTED, left);
                ex.record(listener, ResponseSource.LOCAL_COOLDOWN.label());
                return new Outcome(LocalAnswers.cooldown(cooldown.providerAnswer(), left), 0);
            }
            if (rule.limit() != null) {
                Throttle.Permit permit = throttle.tryAcquire(rule, ex.identity.throttleKey());
                if (!permit.granted()) {
                    if (rule.onLimit() == OnLimit.OBSERVE) {
                        ex.violation(listener, Violation.LOCAL_LIMIT, Violation.OBSERVED, permit.waitNanos());
                    } else if (rule.onLimit() == OnLimit.DELAY && delay(ex)) {
                        ex.violation(listener, Violation.LOCAL_LIMIT, Violation.DELAYED, permit.waitNanos());
                        outcomeLabel = "delayed";
                    } else {
                        ex.violation(listener, Violation.LOCAL_LIMIT, Violation.REJECTED, permit.waitNanos());
                        ex.record(listener, ResponseSource.LOCAL_THROTTLE.label());
                        return new Outcome(LocalAnswers.throttled(rule, permit.waitNanos()), 0);
                    }
                }
            }
        }
        TokenHttpResponse response = send(rule, upstream);
        ResponseVerdict verdict = classifier.classify(rule, response, clock.wallClockMillis());
        ex.record(listener, outcomeLabel);
        switch (verdict.kind()) {
            case CACHEABLE:
                long ttl = verdict.ttlNanos();
                if ("refresh_token".equals(ex.parsed.grant())) {
                    // Shared only briefly: enough for concurrent refreshes under rotation to agree.
                    ttl = Math.min(ttl, settings.refreshGrantTtl().toNanos());
                }
                return new Outcome(response, ttl);
            default:
                backOffIfTold(ex, verdict, response, limited);
                return new Outcome(response, 0);
        }
    }

    /** Waits for a permit within max-delay (and within the caller's own timeout). */
    private boolean delay(Exchange ex) throws IOException {
        long max = ex.rule.maxDelay().toNanos();
        if (ex.request.timeoutMillis() > 0) {
            max = Math.min(max, TimeUnit.MILLISECONDS.toNanos(ex.request.timeoutMillis()));
        }
        try {
            return throttle.acquireWithin(ex.rule, ex.identity.throttleKey(), max);
        } catch (InterruptedException e) {
            throw FollowerFailures.interrupted();
        }
    }

    private TokenHttpResponse send(EndpointRule rule, Upstream upstream) throws IOException {
        long start = clock.nanoTime();
        TokenHttpResponse response = upstream.send();
        listener.onUpstream(rule.id(), response.status(), clock.nanoTime() - start);
        return response;
    }

    /** Observe mode: every request goes upstream unchanged; count what enforce would have done. */
    private TokenHttpResponse observe(Exchange ex, Upstream upstream) throws IOException {
        EndpointRule rule = ex.rule;
        String fingerprint = ex.identity.fingerprint();
        boolean limited = !rule.isExempt(ex.parsed.grant());
        String would = ResponseSource.UPSTREAM.label();
        if (shadow.wouldServeFromCache(fingerprint)) {
            would = "would_cache";
        } else if (shadow.inFlight(fingerprint)) {
            would = "would_coalesce";
        } else if (limited && cooldowns.current(ex.identity.throttleKey()) != null) {
            Cooldowns.Cooldown c = cooldowns.current(ex.identity.throttleKey());
            would = "would_throttle";
            ex.violation(listener, c.kind(), Violation.OBSERVED, c.remainingNanos(clock.nanoTime()));
        } else if (limited && rule.limit() != null) {
            Throttle.Permit permit = throttle.tryAcquire(rule, ex.identity.throttleKey());
            if (!permit.granted()) {
                would = "would_throttle";
                ex.violation(listener, Violation.LOCAL_LIMIT, Violation.OBSERVED, permit.waitNanos());
            }
        }
        TokenHttpResponse response;
        shadow.begin(fingerprint);
        try {
            response = send(rule, upstream);
        } catch (IOException e) {
            ex.record(listener, "error");
            throw e;
        } finally {
            shadow.end(fingerprint);
        }
        ex.record(listener, would);
        ResponseVerdict verdict = classifier.classify(rule, response, clock.wallClockMillis());
        if (verdict.kind() == ResponseVerdict.Kind.CACHEABLE) {
            shadow.remember(fingerprint, verdict.ttlNanos());
        } else {
            backOffIfTold(ex, verdict, response, limited);
        }
        return response;
    }

    /** The provider said "back off" (429 or its lockout signature): hold this identity locally. */
    private void backOffIfTold(Exchange ex, ResponseVerdict verdict, TokenHttpResponse response, boolean limited) {
        if (verdict.kind() != ResponseVerdict.Kind.RATE_LIMITED && verdict.kind() != ResponseVerdict.Kind.LOCKOUT) {
            return;
        }
        String kind = verdict.kind() == ResponseVerdict.Kind.LOCKOUT
                ? Violation.UPSTREAM_LOCKOUT : Violation.UPSTREAM_RATE_LIMITED;
        long backOff = verdict.retryAfterNanos() >= 0 ? verdict.retryAfterNanos() : ex.rule.cooldown().toNanos();
        if (limited) {
            cooldowns.start(ex.identity.throttleKey(), kind, response, backOff);
        }
        ex.violation(listener, kind, Violation.OBSERVED, backOff);
    }

    /** One request's facts while it is being decided. */
    private final class Exchange {
        final EndpointRule rule;
        final TokenHttpRequest request;
        final TokenRequest parsed;
        RequestIdentity identity;

        Exchange(EndpointRule rule, TokenHttpRequest request, TokenRequest parsed) {
            this.rule = rule;
            this.request = request;
            this.parsed = parsed;
        }

        String client() {
            return parsed.clientId() == null ? "-" : parsed.clientId();
        }

        void record(GuardListener l, String outcome) {
            l.onRequest(rule.id(), parsed.grantTag(), client(), outcome);
        }

        void violation(GuardListener l, String kind, String action, long retryAfterNanos) {
            l.onViolation(new Violation(rule.id(), client(), identity.userHash(), parsed.grantTag(), kind, action,
                    retryAfterNanos <= 0 ? -1 : LocalAnswers.retryAfterSeconds(retryAfterNanos),
                    rule.limit() == null ? "none" : rule.limit().toString()));
        }
    }
}
