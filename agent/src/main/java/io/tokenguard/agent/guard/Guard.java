package io.tokenguard.agent.guard;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.config.OnBreach;
import io.tokenguard.agent.config.UserTag;
import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TestFaults;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one place where decisions are made (DESIGN §1): serve from cache, join an identical request
 * in flight, hold back an identity the provider told to back off, apply the per-identity limit,
 * or send upstream once and remember a cacheable answer. Knows nothing of HTTP clients, nor how
 * its stores keep what they hold.
 *
 * <p>A request in enforce mode: the answer store (a hit is served at once) → the requests in flight
 * in this JVM (join one, or lead) → a leader looks into the answer store again (another leader may
 * have landed in between) → {@link #decide} (cooldown → limit → send) → act → land: a cacheable
 * answer is put into the answer store before its leader leaves the in-flight table, anything else
 * leaves first. So no request finds neither an answer nor a leader while one exists, and an
 * answer that may not be cached reaches only the requests that were already waiting for it.
 *
 * <p>Store look-ups are futures. A caller that may block waits for them on its own thread (the
 * upstream call that may follow is its own and runs there); an asynchronous caller's request goes
 * on when they complete and never waits. Stores in memory complete at once: then nobody waits.
 */
public final class Guard {
    private final AgentSettings settings;
    private final GuardClock clock;
    private final GuardListener listener;
    private final IdentityHasher hasher;
    private final CredentialSources credentialSources = new CredentialSources();
    /** Verified readings of signed assertions and DPoP proofs, remembered per exact JWT. */
    private final AssertionIdentities assertions;
    private final ResponseClassifier classifier;
    /** What enforce mode decides against and remembers in; observe mode has a shadow of its own. */
    private final GuardStores stores;
    private final InFlight inFlight = new InFlight();
    private final TokenCacheCounters cacheStats;
    private final ObserveShadow shadow;
    private final UpstreamGuardrail guardrail;
    /** TestFaults stages armed by tokenguard.test.fail-stage (tests only); 0 in production. */
    private final int testFaults;
    /** Only the opt-in user tag reads the subject's hash per request; otherwise it is not worth an HMAC. */
    private final boolean subjectTagged;

    /** A guard of this JVM alone: stores in memory ({@link GuardStores#inMemory}), a random identity key. */
    public Guard(AgentSettings settings, GuardClock clock, GuardListener listener) {
        this(settings, clock, listener, GuardStores.inMemory(clock, settings), IdentityKey.random());
    }

    /**
     * A guard over these stores, hashing identities under this key: guards that share stores must
     * share the key, or none of their fingerprints, throttle or cooldown keys agree.
     */
    public Guard(AgentSettings settings, GuardClock clock, GuardListener listener, GuardStores stores,
                 IdentityKey identityKey) {
        this.settings = settings;
        this.hasher = new IdentityHasher(identityKey);
        this.clock = clock;
        this.assertions = new AssertionIdentities(hasher, clock);
        this.testFaults = TestFaults.mask(settings.testFailStages());
        this.subjectTagged = settings.userTag() == UserTag.HASHED;
        this.listener = new SafeListener(listener, testFaults);
        this.classifier = new ResponseClassifier(settings.refreshSkew(), settings.captureMaxBytes());
        this.stores = stores;
        this.cacheStats = new TokenCacheCounters(stores.answers, inFlight);
        this.shadow = settings.mode() != Mode.OBSERVE ? null : new ObserveShadow(
                stores.observeShadow != null ? stores.observeShadow : GuardStores.inMemory(clock, settings));
        this.guardrail = new UpstreamGuardrail(clock, settings.maxUpstreamPerMinute());
        this.listener.onTokenCache(cacheStats);
    }

    /** Entries (settled or in flight) currently held by the token cache. */
    public long cacheSize() {
        return cacheStats.size();
    }

    /** Per-identity rate-limit buckets currently held (bounded like the cache). */
    long throttleSize() {
        return stores.permits.size();
    }

    /** Runs pending evictions of the cache and the buckets now (Caffeine otherwise does so during later calls). */
    void cleanUp() {
        stores.answers.cleanUp();
        stores.permits.cleanUp();
    }

    /** For blocking clients: the answer, waiting no longer than the caller's own read timeout. */
    public TokenHttpResponse exchange(EndpointRule rule, TokenHttpRequest request, Upstream upstream) throws IOException {
        try {
            return Futures.await(run(rule, request, upstream, null), waitMillis(request), request.interruptible());
        } catch (SteppedAside leaderSteppedAside) {
            // The request this one joined stepped aside: send it ourselves, on the caller's own thread.
            return Futures.await(passThrough(rule, request, Futures.inline(upstream)), waitMillis(request),
                    request.interruptible());
        }
    }

    /** For asynchronous clients: no thread waits, neither for an identical request nor for a delay. */
    public CompletableFuture<TokenHttpResponse> exchangeAsync(EndpointRule rule, TokenHttpRequest request,
                                                              AsyncUpstream upstream) {
        return run(rule, request, null, upstream);
    }

    private long waitMillis(TokenHttpRequest request) {
        return request.timeoutMillis() > 0 ? request.timeoutMillis() : settings.coalesceMaxWait().toMillis();
    }

    /** One of blocking (a caller that may block, sending on its own thread) and async is given. */
    private CompletableFuture<TokenHttpResponse> run(EndpointRule rule, TokenHttpRequest request, Upstream blocking,
                                                     AsyncUpstream async) {
        boolean post = "POST".equals(request.method());
        // Token requests are POSTs (RFC 6749 §3.2). Methods are case-sensitive (RFC 9110 §9.1), but
        // ASP.NET Core hosts read "post" as a POST too: counted by limits and cooldowns, never shared.
        boolean spelledPost = !post && "POST".equalsIgnoreCase(request.method()) && shadow == null;
        if (!post && !spelledPost) {
            // Anything else is not ours to judge.
            return passThrough(rule, request, async != null ? async : Futures.inline(blocking));
        }
        Exchange ex;
        try {
            TestFaults.fire(testFaults, TestFaults.PARSE);
            ex = new Exchange(rule, request, TokenRequestParser.parse(request), blocking, async);
            ex.identity = RequestIdentity.of(hasher, credentialSources, assertions, rule, request, ex.parsed, settings.identityHeaders());
        } catch (Throwable t) {
            return stepAside("parse", t, rule, request, async != null ? async : Futures.inline(blocking));
        }
        return spelledPost ? limitOnly(ex) : shadow != null ? observe(ex) : enforce(ex);
    }

    /** Limits and cooldowns only: decided and acted on, never answered from, nor into, the cache. */
    private CompletableFuture<TokenHttpResponse> limitOnly(Exchange ex) {
        ex.stage = "guard";
        return Futures.then(decide(ex), ex.callerMayBlock(), (decided, fault) -> {
            if (fault != null) {
                return stepAside(ex, fault);
            }
            try {
                ex.decision = decided;
                return act(ex).thenApply(Outcome::response);
            } catch (Throwable t) {
                return stepAside(ex, t);
            }
        });
    }

    /** The request goes upstream as it is, counted as a pass-through. */
    private CompletableFuture<TokenHttpResponse> passThrough(EndpointRule rule, TokenHttpRequest request,
                                                             AsyncUpstream upstream) {
        return send(rule, request.httpClient(), upstream, -1).whenComplete((r, e) -> listener.onRequest(
                new RequestEvent(rule.id(), TokenRequest.GRANT_NONE, request.httpClient(), "-",
                        e == null ? "passthrough" : "error")));
    }

    /** A fault in a stage: counted once, and the request goes upstream untouched, as without TokenGuard. */
    private CompletableFuture<TokenHttpResponse> stepAside(String stage, Throwable fault, EndpointRule rule,
                                                           TokenHttpRequest request, AsyncUpstream upstream) {
        listener.onFault(stage, fault);
        return passThrough(rule, request, upstream);
    }

    private CompletableFuture<TokenHttpResponse> stepAside(Exchange ex, Throwable fault) {
        return stepAside(ex.stage, fault, ex.rule, ex.request, ex.upstream());
    }

    /** Enforce mode starts in the answer store: a hit is served at once, allocating no stage for it. */
    private CompletableFuture<TokenHttpResponse> enforce(Exchange ex) {
        CompletableFuture<Outcome> settled;
        try {
            ex.stage = "cache";
            TestFaults.fire(testFaults, TestFaults.CACHE);
            settled = stores.answers.get(ex.identity.fingerprint(), waitMillis(ex.request));
        } catch (Throwable t) {
            return stepAside(ex, t);
        }
        if (!settled.isDone() && !ex.callerMayBlock()) {
            return Futures.then(settled, false,
                    (found, fault) -> fault != null ? stepAside(ex, fault) : afterLookUp(ex, found));
        }
        Outcome found;
        try {
            found = settled.join();
        } catch (Throwable t) {
            return stepAside(ex, Futures.unwrap(t));
        }
        return afterLookUp(ex, found);
    }

    /** After the first look-up: served from the store, or joined to the identical request in flight, or leading. */
    private CompletableFuture<TokenHttpResponse> afterLookUp(Exchange ex, Outcome found) {
        if (found != null) {
            cacheStats.hit();
            return CompletableFuture.completedFuture(serve(ex, found, true));
        }
        String fingerprint = ex.identity.fingerprint();
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Outcome> joined = inFlight.join(fingerprint, mine);
        if (joined != mine) {
            cacheStats.hit();
            return follow(ex, joined);
        }
        // Leading. A leader that landed after our look-up put its answer into the store before it
        // left the table we just joined: look again, or this request would send a duplicate.
        // No second wait for another JVM's answer: the first look-up had this request's whole wait.
        CompletableFuture<Outcome> lookedAgain = Futures.call(() -> stores.answers.get(fingerprint, 0));
        return Futures.then(lookedAgain, ex.callerMayBlock(), (again, fault) -> {
            if (fault != null || again != null) {
                inFlight.leave(fingerprint, mine);
                if (fault != null) {
                    release(fingerprint);
                    // Whoever joined in the meantime goes its own way, as this request does.
                    mine.completeExceptionally(SteppedAside.INSTANCE);
                    return stepAside(ex, fault);
                }
                mine.complete(again);
                cacheStats.hit();
                return CompletableFuture.completedFuture(serve(ex, again, true));
            }
            cacheStats.miss();
            return lead(ex, mine);
        });
    }

    /** This request leads: decided, acted on, and landed for those that joined it. */
    private CompletableFuture<TokenHttpResponse> lead(Exchange ex, CompletableFuture<Outcome> mine) {
        ex.stage = "guard";
        return Futures.then(decide(ex), ex.callerMayBlock(), (decided, fault) -> {
            Throwable failure = fault;
            if (failure == null) {
                try {
                    ex.decision = decided;
                    CompletableFuture<Outcome> led = act(ex);
                    led.whenComplete((outcome, error) -> land(ex, mine, outcome, error));
                    return led.thenApply(Outcome::response);
                } catch (Throwable t) {
                    failure = t;
                }
            }
            // Fail open before anything was sent: this request, and every request that joined it,
            // goes upstream on its own, as without TokenGuard.
            inFlight.leave(ex.identity.fingerprint(), mine);
            release(ex.identity.fingerprint());
            cacheStats.failed();
            mine.completeExceptionally(SteppedAside.INSTANCE);
            return stepAside(ex, failure);
        });
    }

    /**
     * The leader's outcome reaches those that joined it. A cacheable one goes into the answer store
     * before the leader leaves the in-flight table; anything else leaves first, so only those
     * already waiting share it (TTL 0).
     */
    private void land(Exchange ex, CompletableFuture<Outcome> mine, Outcome outcome, Throwable error) {
        String fingerprint = ex.identity.fingerprint();
        if (error != null || outcome.response().truncated()) {
            inFlight.leave(fingerprint, mine);
            release(fingerprint);
            cacheStats.failed();
            // A truncated answer is only a prefix, the rest still on the wire for the app that
            // asked: whoever joined sends their own request, as without TokenGuard.
            mine.completeExceptionally(error != null ? new LeaderFailed(Futures.unwrap(error)) : SteppedAside.INSTANCE);
            return;
        }
        if (outcome.ttlNanos() <= 0) {
            inFlight.leave(fingerprint, mine);
            release(fingerprint);
            cacheStats.settled(false);
            mine.complete(outcome);
            return;
        }
        cacheStats.settled(true);
        CompletableFuture<Void> stored = Futures.call(() -> stores.answers.put(fingerprint, outcome));
        // Those waiting need not wait for the store.
        mine.complete(outcome);
        // The answer was served all the same if storing it failed; the next identical request asks again.
        written(ex, "cache", stored).whenComplete((done, failure) -> inFlight.leave(fingerprint, mine));
    }

    /**
     * A leader leaves with nothing to store: tells the answer store, which may have let other JVMs
     * wait for it (a fleet lease). Its failure changes nothing here: the lease runs out by itself.
     */
    private void release(String fingerprint) {
        try {
            stores.answers.release(fingerprint);
        } catch (Throwable ignored) {
            // A store's own fault; nothing was promised to this request.
        }
    }

    private CompletableFuture<TokenHttpResponse> follow(Exchange ex, CompletableFuture<Outcome> joined) {
        boolean settled = joined.isDone();
        if (settled && !joined.isCompletedExceptionally()) {
            // Its leader landed and is storing the answer: served at once, without what waiting needs.
            return CompletableFuture.completedFuture(serve(ex, joined.join(), true));
        }
        // A copy: a timeout of this follower must never complete the shared entry.
        CompletableFuture<Outcome> view = joined.copy();
        if (!ex.callerMayBlock()) {
            view = Futures.orTimeout(view, waitMillis(ex.request), DelayScheduler.get());
        }
        CompletableFuture<TokenHttpResponse> served = view.handle((outcome, error) -> {
            if (error != null) {
                Throwable cause = LeaderFailed.unwrap(Futures.unwrap(error));
                throw new CompletionException(cause instanceof TimeoutException ? FollowerFailures.timedOut()
                        : cause instanceof IOException ? FollowerFailures.copyOf((IOException) cause) : cause);
            }
            return serve(ex, outcome, settled);
        });
        if (ex.callerMayBlock()) {
            // exchange() sends on the caller's own thread if the leader stepped aside.
            return served;
        }
        return served.handle((r, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(r);
            }
            Throwable cause = Futures.unwrap(error);
            return cause == SteppedAside.INSTANCE ? passThrough(ex.rule, ex.request, ex.upstream())
                    : Futures.<TokenHttpResponse>failed(cause);
        }).thenCompose(f -> f);
    }

    /** A follower's copy of the outcome it joined, labelled by where it came from. */
    private TokenHttpResponse serve(Exchange ex, Outcome outcome, boolean settled) {
        TokenHttpResponse r = outcome.response();
        ResponseSource source = r.source() != ResponseSource.UPSTREAM ? r.source()
                : settled && outcome.ttlNanos() > 0 ? ResponseSource.CACHE : ResponseSource.COALESCED;
        if (source == ResponseSource.CACHE) {
            r = outcome.cachedAt(clock.nanoTime());
        }
        ex.record(listener, source.label());
        return r.servedAs(source);
    }

    /**
     * The decision ladder below the cache, made once for both modes, against the request's stores:
     * is the identity held by a cooldown, then is it over its limit (a permit is taken here when it
     * is not), else send. Exempt grants skip both. Enforce mode acts on the step ({@link #act}),
     * observe mode counts it ({@link #wouldDo}). A failed look-up fails the future (stage: throttle).
     */
    private CompletableFuture<Decision> decide(Exchange ex) {
        if (!ex.limited()) {
            return CompletableFuture.completedFuture(new Decision(Step.SEND, null, null));
        }
        return Futures.then(Futures.call(() -> {
            ex.stage = "throttle";
            TestFaults.fire(testFaults, TestFaults.THROTTLE);
            return ex.stores().cooldowns.current(ex.identity.cooldownKeys());
        }), ex.callerMayBlock(), (cooldown, fault) -> {
            if (fault != null) {
                return Futures.failed(fault);
            }
            if (cooldown != null) {
                return CompletableFuture.completedFuture(new Decision(Step.COOLDOWN, cooldown, null));
            }
            if (ex.rule.limit() == null) {
                return CompletableFuture.completedFuture(new Decision(Step.SEND, null, null));
            }
            CompletableFuture<Permit> permitted = ex.stores().permits.tryAcquire(ex.rule, ex.identity.throttleKeys());
            return Futures.then(permitted, ex.callerMayBlock(), (permit, refused) -> refused != null
                    ? Futures.failed(refused)
                    : CompletableFuture.completedFuture(
                            new Decision(permit.granted() ? Step.SEND : Step.OVER_LIMIT, null, permit)));
        });
    }

    /** Enforce mode: the decision acted on, until the outcome is settled. */
    private CompletableFuture<Outcome> act(Exchange ex) throws IOException {
        Decision d = ex.decision;
        if (d.step == Step.COOLDOWN) {
            long left = d.cooldown.remainingNanos(clock.nanoTime());
            ex.violation(listener, d.cooldown.kind(), Violation.REJECTED, left);
            ex.record(listener, ResponseSource.LOCAL_COOLDOWN.label());
            return CompletableFuture.completedFuture(
                    new Outcome(LocalAnswers.cooldown(d.cooldown.providerAnswer(), left), 0));
        }
        if (d.step == Step.OVER_LIMIT) {
            if (ex.rule.onLimit() == OnLimit.DELAY) {
                return delayThenSend(ex);
            }
            if (ex.rule.onLimit() != OnLimit.OBSERVE) {
                return CompletableFuture.completedFuture(reject(ex));
            }
            ex.violation(listener, Violation.LOCAL_LIMIT, Violation.OBSERVED, d.permit.waitNanos());
        }
        ex.stage = "guard";
        return sendAndSettle(ex, ResponseSource.UPSTREAM.label(), ex.limited());
    }

    private Outcome reject(Exchange ex) {
        long wait = ex.decision.permit.waitNanos();
        ex.violation(listener, Violation.LOCAL_LIMIT, Violation.REJECTED, wait);
        ex.record(listener, ResponseSource.LOCAL_THROTTLE.label());
        return new Outcome(LocalAnswers.throttled(ex.rule, wait), 0);
    }

    /** Waits for a permit within max-delay and the caller's own timeout; a blocking caller parks, others are scheduled. */
    private CompletableFuture<Outcome> delayThenSend(Exchange ex) throws IOException {
        long max = ex.rule.maxDelay().toNanos();
        if (ex.request.timeoutMillis() > 0) {
            max = Math.min(max, TimeUnit.MILLISECONDS.toNanos(ex.request.timeoutMillis()));
        }
        PermitStore permits = ex.stores().permits;
        CompletableFuture<Boolean> acquired;
        long waitStart = clock.nanoTime();
        if (ex.callerMayBlock() && ex.request.interruptible()) {
            try {
                acquired = CompletableFuture.completedFuture(
                        permits.acquireWithin(ex.rule, ex.identity.throttleKeys(), max));
            } catch (InterruptedException e) {
                throw FollowerFailures.interrupted();
            }
        } else if (ex.callerMayBlock()) {
            // Like the socket read it delays: an interrupt neither ends the wait nor is lost (on a
            // virtual thread the JDK's own send then fails "Closed by interrupt", as without us).
            acquired = CompletableFuture.completedFuture(
                    permits.acquireWithinUninterruptibly(ex.rule, ex.identity.throttleKeys(), max));
        } else {
            acquired = permits.acquireLater(ex.rule, ex.identity.throttleKeys(), max, DelayScheduler.get());
        }
        return acquired.thenCompose(ok -> {
            listener.onThrottleDelay(new ThrottleDelayEvent(ex.rule.id(), ex.httpClient(), clock.nanoTime() - waitStart,
                    ok));
            if (!ok) {
                return CompletableFuture.completedFuture(reject(ex));
            }
            ex.decision.permitTaken = true;
            ex.violation(listener, Violation.LOCAL_LIMIT, Violation.DELAYED, ex.decision.permit.waitNanos());
            return sendAndSettle(ex, "delayed", true);
        });
    }

    /** Sends once, then decides what the answer means; a fault after sending never loses the answer. */
    private CompletableFuture<Outcome> sendAndSettle(Exchange ex, String label, boolean limited) {
        boolean mayReject = settings.onBreach() == OnBreach.REJECT;
        UpstreamGuardrail.Pass pass = guardrail.pass(ex.rule, ex.httpClient(), mayReject);
        if (pass.breached()) {
            ex.breach(listener, mayReject ? Violation.REJECTED : Violation.OBSERVED, pass);
            if (mayReject) {
                if (ex.decision.permitTaken) {
                    // Not sent, so not a call the identity's own limit should count.
                    written(ex, "throttle",
                            Futures.call(() -> ex.stores().permits.refund(ex.rule, ex.identity.throttleKeys())));
                }
                ex.record(listener, ResponseSource.LOCAL_THROTTLE.label());
                return CompletableFuture.completedFuture(new Outcome(
                        LocalAnswers.guardrail(ex.rule, guardrail.maxFor(ex.rule), pass.retryAfterNanos()), 0));
            }
        }
        return send(ex.rule, ex.httpClient(), ex.upstream(), pass.inWindow()).handle((response, error) -> {
            if (error != null) {
                ex.record(listener, "error");
                throw new CompletionException(Futures.unwrap(error));
            }
            try {
                ex.record(listener, label);
                return settle(ex, response, limited);
            } catch (Throwable t) {
                listener.onFault("classify", t);
                return new Outcome(response, 0);
            }
        });
    }

    /**
     * A store write after the decision: its failure is counted under the stage and changes no
     * answer. A blocking caller waits for it, so that its next request finds what this one wrote
     * (as it would in memory); an asynchronous caller does not.
     */
    private CompletableFuture<?> written(Exchange ex, String stage, CompletableFuture<?> write) {
        if (ex.callerMayBlock() && !write.isDone()) {
            try {
                write.join();
            } catch (Throwable failedBelow) {
                // Reported below.
            }
        }
        return write.whenComplete((done, failure) -> {
            if (failure != null) {
                listener.onFault(stage, Futures.unwrap(failure));
            }
        });
    }

    private Outcome settle(Exchange ex, TokenHttpResponse response, boolean limited) {
        ResponseVerdict verdict = classifier.classify(ex.rule, response, clock.wallClockMillis());
        if (verdict.kind() != ResponseVerdict.Kind.CACHEABLE) {
            backOffIfTold(ex, verdict, response, limited);
            return new Outcome(response, 0);
        }
        if (ex.identity.singleUse()) {
            // A code or one-time assertion: a second redemption is refused by the IdP, so never
            // answer one from the cache (requests that were already waiting share this answer).
            return new Outcome(response, 0);
        }
        long ttl = verdict.ttlNanos();
        if (ex.parsed.grants().contains(TokenRequest.REFRESH_TOKEN)) {
            // Shared only briefly: enough for concurrent refreshes under rotation to agree.
            ttl = Math.min(ttl, settings.refreshGrantTtl().toNanos());
        }
        return new Outcome(response, ttl, verdict.remainingLifetime(clock.nanoTime()));
    }

    /** inWindow: upstream calls of this endpoint and client in the trailing minute, this one included (-1: not counted). */
    private CompletableFuture<TokenHttpResponse> send(EndpointRule rule, String httpClient, AsyncUpstream upstream,
                                                      long inWindow) {
        long start = clock.nanoTime();
        CompletableFuture<TokenHttpResponse> sent;
        try {
            sent = upstream.send();
        } catch (Throwable t) {
            sent = Futures.failed(t);
        }
        return sent.thenApply(response -> {
            listener.onUpstream(new UpstreamEvent(rule.id(), httpClient, response.status(), clock.nanoTime() - start,
                    inWindow));
            return response;
        });
    }

    /**
     * Observe mode: every request goes upstream unchanged; what enforce would have done is counted,
     * decided by the same ladder against the shadow's own stores.
     */
    private CompletableFuture<TokenHttpResponse> observe(Exchange ex) {
        String fingerprint = ex.identity.fingerprint();
        CompletableFuture<Outcome> settled;
        try {
            ex.stage = "cache";
            TestFaults.fire(testFaults, TestFaults.CACHE);
            settled = ex.stores().answers.get(fingerprint, waitMillis(ex.request));
        } catch (Throwable t) {
            return stepAside(ex, t);
        }
        return Futures.then(settled, ex.callerMayBlock(), (found, fault) -> {
            if (fault != null) {
                return stepAside(ex, fault);
            }
            if (found != null) {
                return observed(ex, "would_cache");
            }
            if (shadow.inFlight(fingerprint)) {
                return observed(ex, "would_coalesce");
            }
            return Futures.then(decide(ex), ex.callerMayBlock(), (decided, failure) -> {
                String label;
                try {
                    if (failure != null) {
                        throw failure;
                    }
                    label = wouldDo(ex, decided);
                } catch (Throwable t) {
                    return stepAside(ex, t);
                }
                return observed(ex, label);
            });
        });
    }

    /** Observe mode sends the request as it is, counted under what enforce would have done. */
    private CompletableFuture<TokenHttpResponse> observed(Exchange ex, String label) {
        String fingerprint = ex.identity.fingerprint();
        UpstreamGuardrail.Pass pass;
        try {
            // Observe mode never rejects: a guardrail breach is sent and counted.
            pass = guardrail.pass(ex.rule, ex.httpClient(), false);
            shadow.begin(fingerprint);
        } catch (Throwable t) {
            return stepAside(ex, t);
        }
        if (pass.breached()) {
            ex.breach(listener, Violation.OBSERVED, pass);
        }
        return send(ex.rule, ex.httpClient(), ex.upstream(), pass.inWindow()).whenComplete((response, error) -> {
            shadow.end(fingerprint);
            if (error != null) {
                ex.record(listener, "error");
                return;
            }
            ex.record(listener, label);
            try {
                // Settled as enforce would settle it: what it would keep, and for how long. Only
                // an answer enforce would have asked for: it never sees the others, keeps none of them.
                long ttl = settle(ex, response, ex.limited()).ttlNanos();
                if (label.equals(ResponseSource.UPSTREAM.label())) {
                    shadow.remember(fingerprint, ttl);
                }
            } catch (Throwable t) {
                listener.onFault("classify", t);
            }
        });
    }

    /**
     * Observe mode: the decision counted, as enforce would have acted on it (would_throttle for
     * anything over the limit, whatever on-limit says), a would-be violation as observed.
     */
    private String wouldDo(Exchange ex, Decision d) {
        if (d.step == Step.COOLDOWN) {
            ex.violation(listener, d.cooldown.kind(), Violation.OBSERVED, d.cooldown.remainingNanos(clock.nanoTime()));
            return "would_throttle";
        }
        if (d.step == Step.OVER_LIMIT) {
            ex.violation(listener, Violation.LOCAL_LIMIT, Violation.OBSERVED, d.permit.waitNanos());
            return "would_throttle";
        }
        return ResponseSource.UPSTREAM.label();
    }

    /** The provider said "back off" (429 or its lockout signature): hold this identity locally. */
    private void backOffIfTold(Exchange ex, ResponseVerdict verdict, TokenHttpResponse response, boolean limited) {
        if (verdict.kind() != ResponseVerdict.Kind.RATE_LIMITED && verdict.kind() != ResponseVerdict.Kind.LOCKOUT) {
            return;
        }
        String kind = verdict.kind() == ResponseVerdict.Kind.LOCKOUT
                ? Violation.UPSTREAM_LOCKOUT : Violation.UPSTREAM_RATE_LIMITED;
        long told = verdict.retryAfterNanos() >= 0 ? verdict.retryAfterNanos() : ex.rule.cooldown().toNanos();
        // No one answer holds anything longer than cooldown.max: a provider's (or a spoofed)
        // Retry-After of a day would otherwise refuse the identity all day.
        long backOff = Math.min(told, settings.cooldownMax().toNanos());
        Violation v = ex.violation(listener, kind, Violation.OBSERVED, backOff);
        if (limited) {
            CompletableFuture<?> started = written(ex, "throttle", Futures.call(
                    () -> ex.stores().cooldowns.start(ex.identity.cooldownKeys(), kind, response, backOff)));
            if (!started.isCompletedExceptionally()) {
                // Announced unless known to have failed (an asynchronous caller does not wait to know).
                listener.onCooldownStart(v);
            }
        }
    }

    /** Where the ladder below the cache ends for one request. */
    private enum Step {
        /** The provider told this identity to back off, and the time is not over. */
        COOLDOWN,
        /** Over the per-identity limit: rejected, delayed or only counted, as the rule's on-limit says. */
        OVER_LIMIT,
        /** Nothing holds it back. */
        SEND
    }

    /** What {@link #decide} found for one request, and what it rests on. */
    private static final class Decision {
        final Step step;
        /** COOLDOWN: the one in force. */
        final Cooldown cooldown;
        /** OVER_LIMIT: how long until a permit; SEND after a limit: granted. */
        final Permit permit;
        /** A permit was taken for this request (given back if it then is not sent). */
        boolean permitTaken;

        Decision(Step step, Cooldown cooldown, Permit permit) {
            this.step = step;
            this.cooldown = cooldown;
            this.permit = permit;
            this.permitTaken = permit != null && permit.granted();
        }
    }

    /**
     * One request's facts while it is being decided. Built for every request, cache hits included:
     * what only a miss needs (the decision, a blocking caller's upstream as an asynchronous one)
     * is made when needed, not here.
     */
    private final class Exchange {
        final EndpointRule rule;
        final TokenHttpRequest request;
        final TokenRequest parsed;
        /** Exactly one is set: a blocking caller's upstream (it sends on its own thread), or an asynchronous one. */
        private final Upstream blocking;
        private final AsyncUpstream async;
        RequestIdentity identity;
        /** Set once decided, for a leader (enforce mode). */
        Decision decision;
        /** The stage being decided, named when a fault makes the guard step aside. */
        String stage = "guard";

        Exchange(EndpointRule rule, TokenHttpRequest request, TokenRequest parsed, Upstream blocking,
                 AsyncUpstream async) {
            this.rule = rule;
            this.request = request;
            this.parsed = parsed;
            this.blocking = blocking;
            this.async = async;
        }

        /** A blocking client's thread: it may wait for a store, and sends on itself. */
        boolean callerMayBlock() {
            return blocking != null;
        }

        AsyncUpstream upstream() {
            return async != null ? async : Futures.inline(blocking);
        }

        /** What it is decided against: the guard's stores, or in observe mode the shadow's. */
        GuardStores stores() {
            return shadow != null ? shadow.stores() : Guard.this.stores;
        }

        String client() {
            return parsed.clientId() == null ? "-" : parsed.clientId();
        }

        /** Whether limits and cooldowns apply: some grant a server could read is not exempt (none sent counts as one). */
        boolean limited() {
            if (parsed.grants().isEmpty()) {
                return !rule.isExempt(null);
            }
            for (String grant : parsed.grants()) {
                if (!rule.isExempt(grant)) {
                    return true;
                }
            }
            return false;
        }

        String httpClient() {
            return request.httpClient();
        }

        void record(GuardListener l, String outcome) {
            l.onRequest(new RequestEvent(rule.id(), parsed.grantTag(), httpClient(),
                    subjectTagged ? identity.subjectHash() : "-", outcome));
        }

        Violation violation(GuardListener l, String kind, String action, long retryAfterNanos) {
            return violation(l, kind, action, retryAfterNanos, rule.limit() == null ? "none" : rule.limit().toString(),
                    guardrail.count(rule.id(), httpClient()));
        }

        void breach(GuardListener l, String action, UpstreamGuardrail.Pass pass) {
            violation(l, Violation.GUARDRAIL_BREACH, action, pass.retryAfterNanos(),
                    guardrail.maxFor(rule) + "/60s", pass.inWindow());
        }

        private Violation violation(GuardListener l, String kind, String action, long retryAfterNanos, String limit,
                                    long upstreamLastMinute) {
            Violation v = new Violation(rule.id(), client(), identity.userHash(), parsed.grantTag(), kind, action,
                    retryAfterNanos <= 0 ? -1 : LocalAnswers.retryAfterSeconds(retryAfterNanos), limit, httpClient(),
                    upstreamLastMinute, identity.subjectHash(), CallSites.here());
            l.onViolation(v);
            return v;
        }
    }
}
