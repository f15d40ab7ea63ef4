package io.tokenguard.it.security;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A strict token endpoint for the security suite: it issues a distinct token to each identity and
 * refuses every request whose credentials it does not know, as a real IdP would. One path per case,
 * {@code /strict/<case>/token}; the case id ends in the mechanism the IdP checks:
 * <ul>
 *   <li>{@code .basic}: client_secret_basic; none or a wrong one is a 401 with a
 *       {@code WWW-Authenticate: Basic} challenge (so challenge-answering clients answer it);</li>
 *   <li>{@code .proxy}: the same secret, as {@code Proxy-Authorization}: the IdP is reached through
 *       itself as an http proxy (a request in absolute form), and none or a wrong one is a 407 with a
 *       {@code Proxy-Authenticate: Basic} challenge, as an authenticating egress proxy answers;</li>
 *   <li>{@code .cookie}: a session cookie; none or an unknown one is a 401;</li>
 *   <li>{@code .mtls}: the TLS client certificate's CN (RFC 8705 tls_client_auth, https only); none
 *       or an unknown one is a 401.</li>
 * </ul>
 * Every request must post {@link #BODY}, the same for every identity. Loopback, ephemeral ports,
 * plain http and https (client certificates wanted, any accepted: the CN decides).
 */
final class StrictIdp implements AutoCloseable {
    static final String BODY = Scenario.BODY;
    static final String REALM = "strict";
    static final Map<String, String> SECRETS = Scenario.SECRETS;

    private final HttpServer http;
    private final HttpsServer https;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "strict-idp");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger tokens = new AtomicInteger();
    private final Map<String, AtomicInteger> issued = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();

    StrictIdp(Path tls) throws IOException, GeneralSecurityException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        http = HttpServer.create(new InetSocketAddress(loopback, 0), 50);
        https = HttpsServer.create(new InetSocketAddress(loopback, 0), 50);
        https.setHttpsConfigurator(new HttpsConfigurator(TlsFiles.serverContext(tls, new AnyClientCertificate())) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setWantClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        for (HttpServer s : List.of(http, https)) {
            s.createContext("/strict/", this::handle);
            s.setExecutor(executor);
            s.start();
        }
    }

    String httpBase() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    String httpsBase() {
        return "https://127.0.0.1:" + https.getAddress().getPort();
    }

    /** Tokens issued for this case to this user. */
    int issued(String caseId, String user) {
        AtomicInteger n = issued.get(caseId + "/" + user);
        return n == null ? 0 : n.get();
    }

    /** Requests of this case refused (no or wrong credentials, challenges included). */
    int refused(String caseId) {
        AtomicInteger n = refused.get(caseId);
        return n == null ? 0 : n.get();
    }

    void resetCounts() {
        issued.clear();
        refused.clear();
    }

    private void handle(HttpExchange e) throws IOException {
        try {
            String path = e.getRequestURI().getPath();
            String[] parts = path.split("/");
            byte[] body = e.getRequestBody().readAllBytes();
            if (parts.length != 4 || !"token".equals(parts[3]) || !"POST".equals(e.getRequestMethod())
                    || !BODY.equals(new String(body, StandardCharsets.UTF_8))) {
                reply(e, 400, "{\"error\":\"invalid_request\"}", false);
                return;
            }
            String caseId = parts[2];
            String mechanism = caseId.substring(caseId.lastIndexOf('.') + 1);
            String user;
            switch (mechanism) {
                case "basic":
                    user = basicUser(e.getRequestHeaders().getFirst("Authorization"));
                    break;
                case "proxy":
                    user = e.getRequestURI().isAbsolute()
                            ? basicUser(e.getRequestHeaders().getFirst("Proxy-Authorization")) : null;
                    break;
                case "cookie":
                    user = cookieUser(e.getRequestHeaders().get("Cookie"));
                    break;
                case "mtls":
                    user = certificateUser(e);
                    break;
                default:
                    reply(e, 400, "{\"error\":\"invalid_request\"}", false);
                    return;
            }
            if (user == null) {
                refused.computeIfAbsent(caseId, k -> new AtomicInteger()).incrementAndGet();
                if ("proxy".equals(mechanism)) {
                    e.getResponseHeaders().set("Proxy-Authenticate", "Basic realm=\"" + REALM + "\"");
                    reply(e, 407, "{\"error\":\"proxy_authentication_required\"}", false);
                } else {
                    reply(e, 401, "{\"error\":\"invalid_client\"}", "basic".equals(mechanism));
                }
                return;
            }
            issued.computeIfAbsent(caseId + "/" + user, k -> new AtomicInteger()).incrementAndGet();
            reply(e, 200, "{\"access_token\":\"tok-" + user + "-" + tokens.incrementAndGet()
                    + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}", false);
        } finally {
            e.close();
        }
    }

    private static String basicUser(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String user = decoded.substring(0, colon);
        return decoded.substring(colon + 1).equals(SECRETS.get(user)) ? user : null;
    }

    /** Exactly one known session cookie among all Cookie lines, and nothing else claiming a session. */
    private static String cookieUser(List<String> lines) {
        if (lines == null) {
            return null;
        }
        String user = null;
        for (String line : lines) {
            for (String pair : line.split(";")) {
                String p = pair.trim();
                if (!p.startsWith("session=")) {
                    continue;
                }
                String sid = p.substring("session=".length());
                String candidate = sid.startsWith("sid-") ? sid.substring(4) : null;
                if (candidate == null || !SECRETS.containsKey(candidate) || user != null && !user.equals(candidate)) {
                    return null;
                }
                user = candidate;
            }
        }
        return user;
    }

    private static String certificateUser(HttpExchange e) {
        if (!(e instanceof HttpsExchange)) {
            return null;
        }
        try {
            Certificate[] chain = ((HttpsExchange) e).getSSLSession().getPeerCertificates();
            String dn = ((X509Certificate) chain[0]).getSubjectX500Principal().getName();
            String user = dn.startsWith("CN=") ? dn.substring(3) : null;
            return SECRETS.containsKey(user) ? user : null;
        } catch (SSLPeerUnverifiedException none) {
            return null;
        }
    }

    private static void reply(HttpExchange e, int status, String json, boolean challenge) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().set("Content-Type", "application/json");
        e.getResponseHeaders().set("Cache-Control", "no-store");
        if (challenge) {
            e.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
        }
        e.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() throws InterruptedException {
        http.stop(0);
        https.stop(0);
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** The IdP wants a client certificate and reads its CN; which CA issued it does not matter here. */
    private static final class AnyClientCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("server side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
