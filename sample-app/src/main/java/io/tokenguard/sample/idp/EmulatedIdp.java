package io.tokenguard.sample.idp;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** The emulated identity provider on 127.0.0.1 with an ephemeral port. */
public final class EmulatedIdp implements AutoCloseable {
    /** Literal IPv4 loopback: "localhost" may resolve to ::1 and miss the listener. */
    private static final String LOOPBACK = "127.0.0.1";
    /** The start of every access, refresh and bearer token issued here (after Twitter's "AAAA"). */
    public static final String TOKEN_MARKER = "tgidp-";
    /** Answers 307 with Location: /auth/oauth2/token. */
    public static final String MOVED_ELOQUA_PATH = "/moved/auth/oauth2/token";
    /** The Twitter token endpoint, but the first request after a reset gets 503 with Retry-After: 0. */
    public static final String FLAKY_TWITTER_PATH = "/flaky/oauth2/token";

    static {
        // Without TCP_NODELAY, headers and body leave in separate segments and each exchange waits
        // out the client's delayed ACK (~40 ms). Read once, when the JDK creates its first HttpServer.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final IdpOptions options;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Counters counters = new Counters();
    private final InitiationLimiter eloquaLimiter;
    private final TwitterRateLimiter twitterLimiter;
    private final FailOnceEndpoint flakyTwitter;
    private final TokenStore tokens = new TokenStore();
    private final ServiceAccounts serviceAccounts = new ServiceAccounts();
    /** Google's per-account token quota, scaled down: 10 calls a minute, then 429 for the rest of it. */
    private final TwitterRateLimiter googleQuota;
    private final AppRegistrations appRegistrations = new AppRegistrations();
    /** Entra's throttling of one app's token requests, scaled down: 10 a minute, then 429 with Retry-After. */
    private final TwitterRateLimiter entraQuota;
    private volatile boolean closed;

    private EmulatedIdp(IdpOptions options) throws IOException {
        this.options = options;
        this.eloquaLimiter = new InitiationLimiter(options.clock(), options.eloquaWindow());
        this.twitterLimiter = new TwitterRateLimiter(options.clock(), options.twitterMaxCalls(),
                options.twitterWindow(), options.twitterLockout());
        this.googleQuota = new TwitterRateLimiter(options.clock(), 10, Duration.ofMinutes(1), Duration.ofMinutes(1));
        this.entraQuota = new TwitterRateLimiter(options.clock(), 10, Duration.ofMinutes(1), Duration.ofMinutes(1));
        Map<String, Endpoint> routes = new LinkedHashMap<>();
        routes.put("/auth/oauth2/token", new EloquaTokenEndpoint(counters, tokens, eloquaLimiter,
                options.clock(), options.accessTokenLifetime()));
        TwitterTokenEndpoint twitter = new TwitterTokenEndpoint(counters, tokens, twitterLimiter, options.clock());
        routes.put("/oauth2/token", twitter);
        // For clients' own redirect and retry handling: a moved Eloqua endpoint and a Twitter one that fails once.
        routes.put(MOVED_ELOQUA_PATH, new RedirectEndpoint("/auth/oauth2/token"));
        this.flakyTwitter = new FailOnceEndpoint(twitter);
        routes.put(FLAKY_TWITTER_PATH, flakyTwitter);
        routes.put(GoogleTokenEndpoint.PATH, new GoogleTokenEndpoint(counters, tokens, serviceAccounts, googleQuota,
                options.clock()));
        routes.put(EntraTokenEndpoint.PATH, new EntraTokenEndpoint(counters, tokens, appRegistrations, entraQuota,
                options.clock()));
        routes.put(DpopTokenEndpoint.PATH, new DpopTokenEndpoint(counters, tokens, options.clock()));
        routes.put(SERVICE_ACCOUNT_KEYS_PATH, r -> published(serviceAccounts.jwks(email(r))));
        routes.put("/api/data", new ApiDataEndpoint(counters, tokens, options.clock()));
        routes.put("/api/echo", new EchoEndpoint());
        routes.put("/api/missing", new FixedEndpoint(404, "application/json", "{\"error\":\"not_found\"}"));
        routes.put("/api/teapot", new FixedEndpoint(418, "text/plain;charset=UTF-8", "I'm a teapot\n"));
        routes.put("/admin/stats", new StatsEndpoint(counters));

        this.server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 128);
        this.executor = Executors.newFixedThreadPool(options.threads(), new DaemonThreads("emulated-idp-"));
        server.setExecutor(executor);
        server.createContext("/", new Router(routes, counters));
    }

    public static EmulatedIdp start(IdpOptions options) {
        try {
            EmulatedIdp idp = new EmulatedIdp(options);
            idp.startServer();
            return idp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start emulated IdP", e);
        }
    }

    public static EmulatedIdp start() {
        return start(IdpOptions.defaults());
    }

    /**
     * HttpServer's dispatcher thread inherits daemon status from the thread that starts it, so
     * it is started from a daemon thread.
     */
    private void startServer() {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread starter = new DaemonThreads("emulated-idp-start-").newThread(() -> {
            try {
                server.start();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting emulated IdP", e);
        }
        if (failure.get() != null) {
            close();
            throw failure.get();
        }
    }

    /** {@code http://127.0.0.1:<port>} without a trailing slash. */
    public String baseUrl() {
        return "http://" + LOOPBACK + ":" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public IdpOptions options() {
        return options;
    }

    /** Token requests received at that provider's endpoint, whatever the answer. */
    public int tokenCalls(String provider) {
        return counters.tokenCalls(provider);
    }

    /** Per Eloqua user (bare name, e.g. alice) or Twitter consumer key. */
    public int tokenCalls(String provider, String identity) {
        return counters.tokenCalls(provider, identity);
    }

    public int statusCount(String provider, int status) {
        return counters.statusCount(provider, status);
    }

    /** Requests that reached this path, whatever the answer. */
    public int hits(String path) {
        return counters.hits(path);
    }

    /** Requests to this path that carried the header (one of the sample app's interceptor markers). */
    public int hitsWithHeader(String path, String header) {
        return counters.hitsWithHeader(path, header);
    }

    public int apiCalls() {
        return counters.apiCalls();
    }

    /**
     * Every access, refresh and bearer token this IdP has issued since it started (a reset keeps them),
     * so a test can look for each one wherever TokenGuard keeps things.
     */
    public java.util.List<String> issuedTokens() {
        return tokens.issued();
    }

    /** The Google-like provider's token endpoint ({@code oauth2.googleapis.com/token}). */
    public static final String GOOGLE_TOKEN_PATH = GoogleTokenEndpoint.PATH;
    /** {@code ?email=...}: the account's public keys as a JWKS, as Google publishes them. */
    public static final String SERVICE_ACCOUNT_KEYS_PATH = "/service_accounts/v1/jwk";
    /** The Google-like provider's service accounts. */
    public static final String SERVICE_ACCOUNT = ServiceAccounts.REPORTING;
    public static final String OTHER_SERVICE_ACCOUNT = ServiceAccounts.BILLING;

    /** The account's JSON key file (private key included), its token_uri this IdP's; null for an unknown account. */
    public String serviceAccountKeyFile(String email) {
        return serviceAccounts.keyFile(email, baseUrl() + GOOGLE_TOKEN_PATH);
    }

    /** The account's public keys as a JWKS; null for an unknown account. */
    public String serviceAccountJwks(String email) {
        return serviceAccounts.jwks(email);
    }

    /** Exhausts the account's quota from its next token request on, for d (that request already refused). */
    public void exhaustGoogleQuotaFromNextCallFor(String email, Duration d) {
        googleQuota.lockFromNextCall(java.util.List.of(email), d);
    }

    /** The Entra-like provider's token endpoint ({@code login.microsoftonline.com/<tenant>/oauth2/v2.0/token}). */
    public static final String ENTRA_TOKEN_PATH = EntraTokenEndpoint.PATH;
    /** Its app registrations with a certificate credential (client ids). */
    public static final String ENTRA_APP = AppRegistrations.APP;
    public static final String OTHER_ENTRA_APP = AppRegistrations.OTHER_APP;
    /** A client-credentials endpoint whose tokens are bound to a DPoP key; token calls counted per key thumbprint. */
    public static final String DPOP_TOKEN_PATH = DpopTokenEndpoint.PATH;

    /** What the app holds for its certificate credential (client id, token URI, private key, certificate). */
    public String entraCredentialFile(String clientId) {
        return appRegistrations.credentialFile(clientId, baseUrl() + ENTRA_TOKEN_PATH);
    }

    /** Throttles the app from its next token request on, for d (that request already refused). */
    public void throttleEntraAppFromNextCallFor(String clientId, Duration d) {
        entraQuota.lockFromNextCall(java.util.List.of(clientId), d);
    }

    private static String email(IdpRequest r) {
        String q = r.rawQuery();
        return q != null && q.startsWith("email=") ? java.net.URLDecoder.decode(q.substring(6),
                java.nio.charset.StandardCharsets.UTF_8) : null;
    }

    private static IdpReply published(String json) {
        return json == null ? IdpReply.json(404, "{\"error\":\"not_found\"}") : IdpReply.json(200, json);
    }

    /** The same JSON {@code GET /admin/stats} serves. */
    public String statsJson() {
        return counters.toJson();
    }

    /** Locks every known consumer out from now on, as if each had just tripped the limit. */
    public void lockTwitterFor(Duration d) {
        twitterLimiter.lock(Directory.consumerKeys(), d);
    }

    /** Locks every known consumer out for d from its next token request on (that request already refused). */
    public void lockTwitterFromNextCallFor(Duration d) {
        twitterLimiter.lockFromNextCall(Directory.consumerKeys(), d);
    }

    /** Zeroes counters and rate-limit state; issued tokens stay valid. */
    public void reset() {
        counters.reset();
        eloquaLimiter.reset();
        twitterLimiter.reset();
        googleQuota.reset();
        entraQuota.reset();
        flakyTwitter.reset();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
