package io.tokenguard.it.security;

import io.tokenguard.it.security.Scenario.Answer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * OkHttp in the security suite (3.x API, which 4.x and 5.x keep), loaded in a class loader of its own
 * per OkHttp version. One client per identity where the credentials come from the client's own
 * parts; a careless app's client per call for the JVM's default TLS setup.
 */
public final class OkHttpDriver {
    private static final MediaType FORM = MediaType.parse("application/x-www-form-urlencoded");

    private OkHttpDriver() {
    }

    /** Entry point, called by {@link SecurityRunner} through reflection from another class loader. */
    public static void run(String label, String http, String https, String tlsDir) throws Exception {
        Path tls = Paths.get(tlsDir);
        X509TrustManager trust = TlsFiles.trustManager(tls);
        perIdentity(label + ".network-interceptor.basic", http, who -> builder()
                .addNetworkInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                        .header("Authorization", Scenario.basic(who)).build())).build());
        perIdentity(label + ".authenticator.basic", http, who -> builder()
                .authenticator((route, response) -> response.priorResponse() != null ? null
                        : response.request().newBuilder().header("Authorization", Scenario.basic(who)).build())
                .build());
        perIdentity(label + ".proxy-authenticator.proxy", http, who -> builder()
                .proxy(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", URI.create(http).getPort())))
                .proxyAuthenticator((route, response) -> response.priorResponse() != null ? null
                        : response.request().newBuilder().header("Proxy-Authorization", Scenario.basic(who)).build())
                .build());
        perIdentity(label + ".cookie-jar.cookie", http, who -> builder().cookieJar(jar(() -> who)).build());
        sharedCookieJar(label + ".shared-cookie-jar.cookie", http);
        perIdentity(label + ".ssl-socket-factory.mtls", https, who -> {
            String certificate = Scenario.certificate(who);
            if (certificate == null) {
                return builder().build();
            }
            try {
                SSLContext ctx = TlsFiles.clientContext(tls, certificate);
                return builder().sslSocketFactory(ctx.getSocketFactory(), trust).build();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // A careless app: a new client per call (or one derived per call), the JVM's default TLS setup.
        String perCall = label + ".per-call-default-tls.basic";
        Scenario.run(perCall, who -> post(builder().build(), https, perCall, Scenario.basic(who)));
        OkHttpClient base = builder().build();
        String derived = label + ".new-builder-default-tls.basic";
        Scenario.run(derived, who -> post(base.newBuilder().build(), https, derived, Scenario.basic(who)));
    }

    private static void perIdentity(String id, String base, Function<String, OkHttpClient> clientOf) {
        Map<String, OkHttpClient> clients = new HashMap<>();
        Scenario.run(id, who -> post(clients.computeIfAbsent(who, clientOf), base, id, null));
    }

    /** One client, one jar, whose content is whoever asks next: the cookies count, not the jar. */
    private static void sharedCookieJar(String id, String base) {
        String[] current = new String[1];
        OkHttpClient client = builder().cookieJar(jar(() -> current[0])).build();
        Scenario.run(id, who -> {
            current[0] = who;
            return post(client, base, id, null);
        });
    }

    private static CookieJar jar(java.util.function.Supplier<String> who) {
        return new CookieJar() {
            @Override
            public void saveFromResponse(HttpUrl url, List<Cookie> cookies) {
            }

            @Override
            public List<Cookie> loadForRequest(HttpUrl url) {
                return Collections.singletonList(new Cookie.Builder().name("session")
                        .value(Scenario.session(who.get())).hostOnlyDomain(url.host()).path("/").build());
            }
        };
    }

    private static OkHttpClient.Builder builder() {
        return new OkHttpClient.Builder().connectTimeout(10, TimeUnit.SECONDS).readTimeout(10, TimeUnit.SECONDS);
    }

    private static Answer post(OkHttpClient client, String base, String id, String authorization) throws IOException {
        Request.Builder b = new Request.Builder().url(base + "/strict/" + id + "/token").post(new FormBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try (Response r = client.newCall(b.build()).execute()) {
            return new Answer(r.code(), r.body() == null ? "" : r.body().string(), r.header("X-TokenGuard"));
        }
    }

    /** The form body; a subclass because RequestBody.create changed its signature between 3.x and 4.x. */
    private static final class FormBody extends RequestBody {
        private final byte[] bytes = Scenario.BODY.getBytes(StandardCharsets.UTF_8);

        @Override
        public MediaType contentType() {
            return FORM;
        }

        @Override
        public long contentLength() {
            return bytes.length;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            sink.write(bytes);
        }
    }
}
