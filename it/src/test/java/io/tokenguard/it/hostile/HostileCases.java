package io.tokenguard.it.hostile;

import io.tokenguard.it.hostile.HostileCase.Deviation;
import io.tokenguard.it.hostile.HostileCase.Request;
import io.tokenguard.it.hostile.HostileCase.Responder;
import io.tokenguard.it.hostile.HostileCase.Upload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The black-box hostile-input corpus (issue 5). Loaded in the test JVM (the IdP answers) and in the
 * child JVMs (the runner makes the requests), so both sides agree on every case by its id.
 */
public final class HostileCases {
    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON = "application/json";
    static final String CLIENT_CREDENTIALS = "grant_type=client_credentials&client_id=app&client_secret=";
    /** Larger than tokenguard.capture.max-bytes' default (65536). */
    static final int HUGE = 200_000;
    /** Short app timeouts: the hanging cases cost this per attempt. */
    static final int SHORT_TIMEOUT = 700;
    static final int TIMEOUT = 10_000;

    private HostileCases() {
    }

    /**
     * Every client the corpus runs, by its registered name (ClientMatrixIT checks that this covers every
     * client the agent registers). HttpURLConnection gets the whole corpus, java.net.http its own
     * selection (below); each library client the answers and a few requests, under ids prefixed with its name.
     */
    private static final List<String> CLIENTS = List.of("urlconnection", "jdkhttp", "okhttp", "apache4", "apache5",
            "apache5-async", "jetty", "reactor-netty", "vertx");

    /** The clients the corpus has cases for, by registered name (a variant such as jdkhttp-stream counts for jdkhttp). */
    public static java.util.Set<String> clients() {
        java.util.Set<String> covered = new java.util.TreeSet<>();
        for (HostileCase c : all()) {
            for (String name : CLIENTS) {
                if (c.client().equals(name) || c.client().startsWith(name + "-") && !CLIENTS.contains(c.client())) {
                    covered.add(name);
                }
            }
        }
        return covered;
    }

    static List<HostileCase> all() {
        List<HostileCase> all = new ArrayList<>();
        responses("urlconnection", "", all);
        requests("urlconnection", all);
        jdkHttp(all);
        for (String library : List.of("okhttp", "apache4", "apache5", "apache5-async", "jetty", "reactor-netty",
                "vertx")) {
            responses(library, library + "-", all);
            libraryRequests(library, all);
        }
        return all;
    }

    /**
     * Whether a gzip answer reaches this client's hook already inflated: the client asked for it and
     * inflates below the hook (OkHttp's bridge interceptor, Apache classic's content-decoding exec, and
     * from 5.6 on Apache async's, which keeps the Content-Encoding header), so the app, bare or guarded,
     * reads a plain token, which is then cached. HttpURLConnection hands the app the gzip bytes, and so do
     * Reactor Netty as it comes (it inflates only with {@code compress(true)}) and Vert.x (only with
     * {@code setDecompressionSupported(true)}).
     */
    private static boolean inflatesBelowTheHook(String client) {
        return !client.equals("urlconnection") && !client.equals("reactor-netty") && !client.equals("vertx");
    }

    private static Request form(String body) {
        return new Request("POST", null, FORM, bytes(body), Upload.BUFFERED);
    }

    private static final Request STANDARD = form(CLIENT_CREDENTIALS + "s3cret");

    private static HostileCase answer(String client, String id, Responder r, boolean cacheable) {
        return new HostileCase(id, client, TIMEOUT, HostileCase.twice(STANDARD), r, cacheable ? 1 : 2, Deviation.NONE);
    }

    /** A few request cases for a library client: the body as the guard fingerprints it, and over the limit. */
    private static void libraryRequests(String c, List<HostileCase> all) {
        all.add(pair(c, c + "-plus-vs-percent20", form(CLIENT_CREDENTIALS + "a+b"), form(CLIENT_CREDENTIALS + "a%20b"),
                true));
        all.add(pair(c, c + "-duplicate-params-swapped", form(CLIENT_CREDENTIALS + "right&client_secret=wrong"),
                form(CLIENT_CREDENTIALS + "wrong&client_secret=right"), false));
        Request huge = form(CLIENT_CREDENTIALS + "s&pad=" + "x".repeat(HUGE));
        all.add(pair(c, c + "-body-over-limit", huge, huge, false));
        all.add(pair(c, c + "-query-credentials-differ", query("client_secret=a"), query("client_secret=b"), false));
    }

    private static Responder json(String body) {
        return ex -> ex.send(200, JSON, bytes(body));
    }

    private static String token(HostileIdp.Exchange ex) {
        return "{\"access_token\":\"" + ex.tokenFor() + "\",\"token_type\":\"bearer\",\"expires_in\":3600}";
    }

    /** A proper token answer for whatever credentials the IdP read. */
    private static final Responder TOKEN = ex -> ex.send(200, JSON, bytes(token(ex)));

    private static void responses(String c, String p, List<HostileCase> all) {
        String tok = "{\"access_token\":\"tok\",\"token_type\":\"bearer\",\"expires_in\":3600}";
        all.add(answer(c, p + "control-token", TOKEN, true));
        all.add(answer(c, p + "non-json", ex -> ex.send(200, "text/plain", bytes("hello, not a token")), false));
        all.add(answer(c, p + "truncated-json", json("{\"access_token\":\"tok\",\"expires_in\":36"), false));
        all.add(answer(c, p + "json-array", json("[" + tok + "]"), false));
        all.add(answer(c, p + "huge-body", json("{\"access_token\":\"tok\",\"expires_in\":3600,\"pad\":\""
                + "x".repeat(HUGE) + "\"}"), false));
        all.add(answer(c, p + "gzip", ex -> ex.send(200, JSON, gzip(tok), "Content-Encoding", "gzip"),
                inflatesBelowTheHook(c)));
        all.add(answer(c, p + "chunked-response", ex -> ex.sendChunked(200, JSON, bytes(token(ex))), true));
        all.add(answer(c, p + "wrong-content-type", ex -> ex.send(200, "text/html", bytes(token(ex))), true));
        all.add(answer(c, p + "expires-in-string", json("{\"access_token\":\"tok\",\"expires_in\":\"3600\"}"), true));
        all.add(answer(c, p + "expires-in-text", json("{\"access_token\":\"tok\",\"expires_in\":\"soon\"}"), false));
        all.add(answer(c, p + "expires-in-negative", json("{\"access_token\":\"tok\",\"expires_in\":-60}"), false));
        all.add(answer(c, p + "expires-in-zero", json("{\"access_token\":\"tok\",\"expires_in\":0}"), false));
        all.add(answer(c, p + "expires-in-huge", json("{\"access_token\":\"tok\",\"expires_in\":1000000000000}"), true));
        all.add(answer(c, p + "expires-in-fractional", json("{\"access_token\":\"tok\",\"expires_in\":90.5}"), true));
        all.add(answer(c, p + "missing-access-token", json("{\"token_type\":\"bearer\",\"expires_in\":3600}"), false));
        all.add(answer(c, p + "error-in-200", json("{\"access_token\":\"tok\",\"error\":\"invalid_grant\"}"), false));
        all.add(answer(c, p + "duplicate-keys", json("{\"access_token\":\"a\",\"expires_in\":0,\"expires_in\":3600}"),
                false));
        all.add(answer(c, p + "non-utf8", ex -> ex.send(200, JSON, concat("{\"access_token\":\"t", (byte) 0xFF,
                "\",\"expires_in\":3600}")), false));
        all.add(answer(c, p + "empty-200", ex -> ex.send(200, JSON, new byte[0]), false));
        all.add(answer(c, p + "error-400", ex -> ex.send(400, JSON, bytes("{\"error\":\"invalid_client\"}")), false));
        // Its own client: the cooldown it starts holds this identity on the whole endpoint.
        Request own = form("grant_type=client_credentials&client_id=app-429-" + c + "&client_secret=s");
        all.add(new HostileCase(p + "rate-limited-429-" + c, c, TIMEOUT, HostileCase.twice(own),
                ex -> ex.send(429, JSON, bytes("{\"error\":\"slow_down\"}"), "Retry-After", "30"), 1,
                Deviation.COOLDOWN));
        all.add(answer(c, p + "slow-in-time", ex -> {
            ex.stall(300);
            TOKEN.respond(ex);
        }, true));
        all.add(new HostileCase(p + "hang-before-headers", c, SHORT_TIMEOUT, HostileCase.twice(STANDARD),
                HostileIdp.Exchange::hang, 2, Deviation.NONE));
        all.add(new HostileCase(p + "hang-mid-body", c, SHORT_TIMEOUT, HostileCase.twice(STANDARD), ex -> {
            ex.sendPartial(JSON, bytes(tok), 10);
            ex.hang();
        }, 2, Deviation.NONE));
        all.add(new HostileCase(p + "reset-mid-body", c, TIMEOUT, HostileCase.twice(STANDARD), ex -> {
            ex.sendPartial(JSON, bytes(tok), 10);
            ex.reset();
        }, 2, Deviation.NONE));
        // The JDK hands a body cut short by a clean close to the app as if complete: so does the agent.
        all.add(new HostileCase(p + "eof-mid-body", c, TIMEOUT, HostileCase.twice(STANDARD), ex -> {
            ex.sendPartial(JSON, bytes(tok), 10);
            ex.out().close();
        }, 2, Deviation.NONE));
    }

    private static void requests(String c, List<HostileCase> all) {
        all.add(pair(c, "plus-vs-percent20", form(CLIENT_CREDENTIALS + "a+b"), form(CLIENT_CREDENTIALS + "a%20b"), true));
        all.add(pair(c, "duplicate-params-swapped", form(CLIENT_CREDENTIALS + "right&client_secret=wrong"),
                form(CLIENT_CREDENTIALS + "wrong&client_secret=right"), false));
        all.add(pair(c, "mixed-case-names", form(CLIENT_CREDENTIALS + "s"),
                form("grant_type=client_credentials&client_id=app&Client_Secret=s"), false));
        all.add(pair(c, "non-utf8-escapes", form(CLIENT_CREDENTIALS + "%FF"), form(CLIENT_CREDENTIALS + "%FE"), false));
        all.add(pair(c, "non-utf8-raw-bytes", new Request("POST", null, FORM, concat(CLIENT_CREDENTIALS, (byte) 0xFF, ""),
                Upload.BUFFERED), new Request("POST", null, FORM, concat(CLIENT_CREDENTIALS, (byte) 0xFE, ""),
                Upload.BUFFERED), false));
        byte[] binary = new byte[300];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 7);
        }
        byte[] binary2 = binary.clone();
        binary2[150] ^= 1;
        all.add(pair(c, "binary-body-same", new Request("POST", null, "application/octet-stream", binary, Upload.BUFFERED),
                new Request("POST", null, "application/octet-stream", binary, Upload.BUFFERED), true));
        all.add(pair(c, "binary-body-differs", new Request("POST", null, "application/octet-stream", binary,
                Upload.BUFFERED), new Request("POST", null, "application/octet-stream", binary2, Upload.BUFFERED), false));
        Request huge = form(CLIENT_CREDENTIALS + "s&pad=" + "x".repeat(HUGE));
        all.add(pair(c, "body-over-limit", huge, huge, false));
        Request chunked = new Request("POST", null, FORM, bytes(CLIENT_CREDENTIALS + "s"), Upload.CHUNKED);
        all.add(pair(c, "chunked-upload", chunked, chunked, true));
        Request chunkedHuge = new Request("POST", null, FORM, huge.body(), Upload.CHUNKED);
        all.add(pair(c, "chunked-upload-over-limit", chunkedHuge, chunkedHuge, false));
        Request fixed = new Request("POST", null, FORM, bytes(CLIENT_CREDENTIALS + "s"), Upload.FIXED);
        all.add(pair(c, "fixed-length-upload", fixed, fixed, true));
        Request empty = new Request("POST", null, FORM, new byte[0], Upload.BUFFERED);
        all.add(new HostileCase("empty-body", c, TIMEOUT, HostileCase.twice(empty), ex -> {
            if (ex.body.length == 0) {
                ex.send(400, JSON, bytes("{\"error\":\"invalid_request\"}"));
            } else {
                TOKEN.respond(ex);
            }
        }, 2, Deviation.NONE));
        Request get = new Request("GET", "grant_type=client_credentials&client_id=app&client_secret=s", null, null,
                Upload.BUFFERED);
        all.add(pair(c, "get-to-token-url", get, get, false));
        all.add(pair(c, "query-credentials-differ", query("client_secret=a"), query("client_secret=b"), false));
        all.add(pair(c, "query-credentials-same", query("client_secret=a"), query("client_secret=a"), true));
        all.add(pair(c, "query-plus-vs-percent20", query("client_secret=a+b"), query("client_secret=a%20b"), false));
    }

    private static Request query(String q) {
        return new Request("POST", q, FORM, bytes("grant_type=client_credentials&client_id=app"), Upload.BUFFERED);
    }

    private static HostileCase pair(String c, String id, Request first, Request second, boolean share) {
        return new HostileCase(id, c, TIMEOUT, List.of(first, second), TOKEN, share ? 1 : 2, Deviation.NONE);
    }

    private static void jdkHttp(List<HostileCase> all) {
        String c = "jdkhttp";
        String tok = "{\"access_token\":\"tok\",\"token_type\":\"bearer\",\"expires_in\":3600}";
        all.add(answer(c, "jdk-control-token", TOKEN, true));
        all.add(answer(c, "jdk-non-json", ex -> ex.send(200, "text/plain", bytes("hello, not a token")), false));
        all.add(answer(c, "jdk-huge-body", json("{\"access_token\":\"tok\",\"expires_in\":3600,\"pad\":\""
                + "x".repeat(HUGE) + "\"}"), false));
        all.add(answer(c, "jdk-gzip", ex -> ex.send(200, JSON, gzip(tok), "Content-Encoding", "gzip"), false));
        all.add(answer(c, "jdk-chunked-response", ex -> ex.sendChunked(200, JSON, bytes(token(ex))), true));
        all.add(answer(c, "jdk-duplicate-keys", json("{\"access_token\":\"a\",\"access_token\":\"b\"}"), false));
        all.add(new HostileCase("jdk-hang-before-headers", c, SHORT_TIMEOUT, HostileCase.twice(STANDARD),
                HostileIdp.Exchange::hang, 2, Deviation.NONE));
        all.add(new HostileCase("jdk-reset-mid-body", c, TIMEOUT, HostileCase.twice(STANDARD), ex -> {
            ex.sendPartial(JSON, bytes(tok), 10);
            ex.reset();
        }, 2, Deviation.NONE));
        // An app streaming the body (BodyHandlers.ofInputStream): a body that breaks while the guard reads
        // it still breaks on the app's body read, after send() returned, as without the agent.
        // The reset comes a moment after the first bytes: right after them, the bare JDK may fail send()
        // itself (the reset can overtake its hand-over of the headers), which made the comparison random.
        all.add(new HostileCase("jdk-stream-reset-mid-body", "jdkhttp-stream", TIMEOUT, HostileCase.twice(STANDARD),
                ex -> {
                    ex.sendPartial(JSON, bytes(tok), 10);
                    ex.stall(200);
                    ex.reset();
                }, 2, Deviation.NONE));
        all.add(answer("jdkhttp-stream", "jdk-stream-token", TOKEN, true));
        all.add(pair(c, "jdk-plus-vs-percent20", form(CLIENT_CREDENTIALS + "a+b"), form(CLIENT_CREDENTIALS + "a%20b"),
                true));
        all.add(pair(c, "jdk-duplicate-params-swapped", form(CLIENT_CREDENTIALS + "right&client_secret=wrong"),
                form(CLIENT_CREDENTIALS + "wrong&client_secret=right"), false));
        Request huge = form(CLIENT_CREDENTIALS + "s&pad=" + "x".repeat(HUGE));
        all.add(pair(c, "jdk-body-over-limit", huge, huge, false));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(String before, byte middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(before));
        out.write(middle);
        out.writeBytes(bytes(after));
        return out.toByteArray();
    }

    private static byte[] gzip(String text) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(bytes(text));
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
