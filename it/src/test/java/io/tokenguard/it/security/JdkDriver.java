package io.tokenguard.it.security;

import io.tokenguard.it.security.Scenario.Answer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * The JDK's clients in the security suite: HttpURLConnection and java.net.http. One object per
 * identity where the client takes its credentials from an object (an app configures one per OAuth
 * client and keeps it); JVM-wide settings (the default CookieHandler) switched between requests.
 */
final class JdkDriver {
    private JdkDriver() {
    }

    static void run(String http, String https, Path tls) throws Exception {
        urlConnectionDefaultCookieHandler(http);
        urlConnectionSocketFactory(https, tls);
        urlConnectionDefaultTls(https);
        jdkCookieHandler(http);
        jdkAuthenticator(http);
        jdkProxyAuthenticator(http);
        jdkSslContext(https, tls);
        jdkPerCallDefaultTls(https);
    }

    // ------------------------------------------------------------------ HttpURLConnection

    /** The JVM-wide CookieManager holds the cookie of whoever asks next. */
    private static void urlConnectionDefaultCookieHandler(String http) {
        String id = "urlconnection.default-cookie-handler.cookie";
        CookieManager manager = new CookieManager();
        CookieHandler.setDefault(manager);
        try {
            Scenario.run(id, who -> {
                manager.getCookieStore().removeAll();
                HttpCookie cookie = new HttpCookie("session", Scenario.session(who));
                cookie.setPath("/");
                cookie.setVersion(0);
                manager.getCookieStore().add(URI.create(http + "/"), cookie);
                return post(url(http, id), c -> { });
            });
        } finally {
            CookieHandler.setDefault(null);
        }
    }

    /** A per-connection SSLSocketFactory with the identity's client certificate; none: the JVM default. */
    private static void urlConnectionSocketFactory(String https, Path tls) throws Exception {
        String id = "urlconnection.ssl-socket-factory.mtls";
        Map<String, SSLSocketFactory> factories = new HashMap<>();
        factories.put(Scenario.ALICE, TlsFiles.clientContext(tls, Scenario.ALICE).getSocketFactory());
        factories.put(Scenario.BOB, TlsFiles.clientContext(tls, Scenario.BOB).getSocketFactory());
        Scenario.run(id, who -> post(url(https, id), c -> {
            SSLSocketFactory f = factories.get(who);
            if (f != null) {
                ((HttpsURLConnection) c).setSSLSocketFactory(f);
            }
        }));
    }

    /** client_secret_basic over https with the JVM's default TLS setup: still shared. */
    private static void urlConnectionDefaultTls(String https) {
        String id = "urlconnection.default-tls.basic";
        Scenario.run(id, who -> post(url(https, id), c -> c.setRequestProperty("Authorization", Scenario.basic(who))));
    }

    private static Answer post(URL url, Consumer<HttpURLConnection> setup) throws Exception {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(10_000);
        c.setRequestMethod("POST");
        c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        setup.accept(c);
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
            out.write(Scenario.BODY.getBytes(StandardCharsets.UTF_8));
        }
        int status = c.getResponseCode();
        InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
        String body = "";
        if (in != null) {
            try (InputStream stream = in) {
                body = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return new Answer(status, body, c.getHeaderField("X-TokenGuard"));
    }

    private static URL url(String base, String id) throws Exception {
        return new URL(base + "/strict/" + id + "/token");
    }

    // ------------------------------------------------------------------ java.net.http

    /** One client per identity, each with its own CookieManager holding that identity's cookie. */
    private static void jdkCookieHandler(String http) {
        String id = "jdkhttp.cookie-handler.cookie";
        Map<String, HttpClient> clients = new HashMap<>();
        Scenario.run(id, who -> send(clients.computeIfAbsent(who, w -> {
            CookieManager manager = new CookieManager();
            HttpCookie cookie = new HttpCookie("session", Scenario.session(w));
            cookie.setPath("/");
            cookie.setVersion(0);
            manager.getCookieStore().add(URI.create(http + "/"), cookie);
            return builder().cookieHandler(manager).build();
        }), http, id, null));
    }

    /** One client per identity, its Authenticator answering the IdP's Basic challenge. */
    private static void jdkAuthenticator(String http) {
        String id = "jdkhttp.authenticator.basic";
        Map<String, HttpClient> clients = new HashMap<>();
        Scenario.run(id, who -> send(clients.computeIfAbsent(who, w -> builder().authenticator(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(Scenario.user(w), Scenario.secret(w).toCharArray());
            }
        }).build()), http, id, null));
    }

    /** One client per identity through an authenticating proxy, its Authenticator answering the 407. */
    private static void jdkProxyAuthenticator(String http) {
        String id = "jdkhttp.proxy-authenticator.proxy";
        InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", URI.create(http).getPort());
        Map<String, HttpClient> clients = new HashMap<>();
        Scenario.run(id, who -> send(clients.computeIfAbsent(who, w -> builder().proxy(ProxySelector.of(proxy))
                .authenticator(new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return getRequestorType() != RequestorType.PROXY ? null
                                : new PasswordAuthentication(Scenario.user(w), Scenario.secret(w).toCharArray());
                    }
                }).build()), http, id, null));
    }

    /** One client per identity with its own SSLContext (client certificate); none: the default context. */
    private static void jdkSslContext(String https, Path tls) {
        String id = "jdkhttp.ssl-context.mtls";
        Map<String, HttpClient> clients = new HashMap<>();
        Scenario.run(id, who -> send(clients.computeIfAbsent(who, w -> {
            String certificate = Scenario.certificate(w);
            if (certificate == null) {
                return builder().build();
            }
            try {
                SSLContext ctx = TlsFiles.clientContext(tls, certificate);
                return builder().sslContext(ctx).build();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }), https, id, null));
    }

    /** A careless app: a new client per call, the JVM's default TLS setup, the secret in a header. */
    private static void jdkPerCallDefaultTls(String https) {
        String id = "jdkhttp.per-call-default-tls.basic";
        Scenario.run(id, who -> send(builder().build(), https, id, Scenario.basic(who)));
    }

    private static HttpClient.Builder builder() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10));
    }

    private static Answer send(HttpClient client, String base, String id, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/strict/" + id + "/token"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Scenario.BODY));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), r.headers().firstValue("X-TokenGuard").orElse(null));
    }
}
