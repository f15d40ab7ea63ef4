package io.tokenguard.it.security;

import io.tokenguard.it.security.Scenario.Answer;
import java.io.Closeable;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.auth.AuthCache;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.CredentialsProvider;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.cookie.BasicCookieStore;
import org.apache.hc.client5.http.cookie.CookieStore;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.auth.BasicAuthCache;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.auth.BasicScheme;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.cookie.BasicClientCookie;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequestInterceptor;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.util.Timeout;

/**
 * Apache HttpClient 5 in the security suite, classic and async, loaded in a class loader of its own
 * per version. The client's own parts (default headers, interceptors, credentials provider, cookie
 * store, TLS strategy) on one client per identity; what a call's HttpClientContext brings (credentials
 * provider, auth cache with preemptive credentials, cookie store) on one client shared by all.
 */
public final class Apache5Driver {
    private static final List<Closeable> OPEN = new ArrayList<>();

    private Apache5Driver() {
    }

    /** The requests one client kind makes: classic execute or async execute, with or without a context. */
    private interface Kind<C> {
        C build(Function<Builders, C> configure);

        Answer post(C client, String url, HttpClientContext context) throws Exception;
    }

    /** A classic and an async builder: each case configures the one its kind uses. */
    private static final class Builders {
        final HttpClientBuilder classic = HttpClients.custom().setDefaultRequestConfig(config());
        final HttpAsyncClientBuilder async = HttpAsyncClients.custom().setDefaultRequestConfig(config());
    }

    /** Entry point, called by {@link SecurityRunner} through reflection from another class loader. */
    public static void run(String label, String http, String https, String tlsDir) throws Exception {
        Path tls = Paths.get(tlsDir);
        try {
            cases(label, http, https, tls, new Kind<CloseableHttpClient>() {
                @Override
                public CloseableHttpClient build(Function<Builders, CloseableHttpClient> configure) {
                    return open(configure.apply(new Builders()));
                }

                @Override
                public Answer post(CloseableHttpClient client, String url, HttpClientContext context) throws Exception {
                    HttpPost post = new HttpPost(url);
                    post.setEntity(new StringEntity(Scenario.BODY, ContentType.APPLICATION_FORM_URLENCODED));
                    return client.execute(post, context, r -> {
                        Header marker = r.getFirstHeader("X-TokenGuard");
                        return new Answer(r.getCode(), r.getEntity() == null ? "" : EntityUtils.toString(r.getEntity()),
                                marker == null ? null : marker.getValue());
                    });
                }
            }, true);
            cases(label.replace("apache5", "apache5-async"), http, https, tls, new Kind<CloseableHttpAsyncClient>() {
                @Override
                public CloseableHttpAsyncClient build(Function<Builders, CloseableHttpAsyncClient> configure) {
                    CloseableHttpAsyncClient c = open(configure.apply(new Builders()));
                    c.start();
                    return c;
                }

                @Override
                public Answer post(CloseableHttpAsyncClient client, String url, HttpClientContext context)
                        throws Exception {
                    SimpleHttpRequest request = SimpleRequestBuilder.post(URI.create(url))
                            .setBody(Scenario.BODY, ContentType.APPLICATION_FORM_URLENCODED).build();
                    SimpleHttpResponse r = client.execute(request, context, null).get(30, TimeUnit.SECONDS);
                    Header marker = r.getFirstHeader("X-TokenGuard");
                    return new Answer(r.getCode(), r.getBodyText(), marker == null ? null : marker.getValue());
                }
            }, false);
        } finally {
            for (Closeable c : OPEN) {
                c.close();
            }
            OPEN.clear();
        }
    }

    @SuppressWarnings("unchecked")
    private static <C> void cases(String label, String http, String https, Path tls, Kind<C> kind, boolean classic) {
        HttpHost idp;
        try {
            idp = HttpHost.create(http);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        perIdentity(label + ".default-headers.basic", http, kind, who -> kind.build(b -> {
            List<Header> headers = List.of(new BasicHeader("Authorization", Scenario.basic(who)));
            return (C) (classic ? b.classic.setDefaultHeaders(headers).build()
                    : b.async.setDefaultHeaders(headers).build());
        }));
        perIdentity(label + ".request-interceptor.basic", http, kind, who -> kind.build(b -> {
            HttpRequestInterceptor add = (request, entity, context) ->
                    request.setHeader("Authorization", Scenario.basic(who));
            return (C) (classic ? b.classic.addRequestInterceptorLast(add).build()
                    : b.async.addRequestInterceptorLast(add).build());
        }));
        perIdentity(label + ".default-credentials-provider.basic", http, kind, who -> kind.build(b ->
                (C) (classic ? b.classic.setDefaultCredentialsProvider(provider(who)).build()
                        : b.async.setDefaultCredentialsProvider(provider(who)).build())));
        C shared = kind.build(b -> (C) (classic ? b.classic.build() : b.async.build()));
        Map<String, CredentialsProvider> providers = new HashMap<>();
        perContext(label + ".context-credentials-provider.basic", http, kind, shared, who -> {
            HttpClientContext c = HttpClientContext.create();
            c.setCredentialsProvider(providers.computeIfAbsent(who, Apache5Driver::provider));
            return c;
        });
        Map<String, AuthCache> caches = new HashMap<>();
        perContext(label + ".context-auth-cache.basic", http, kind, shared, who -> {
            HttpClientContext c = HttpClientContext.create();
            c.setAuthCache(caches.computeIfAbsent(who, w -> {
                BasicScheme scheme = new BasicScheme();
                scheme.initPreemptive(new UsernamePasswordCredentials(Scenario.user(w),
                        Scenario.secret(w).toCharArray()));
                BasicAuthCache cache = new BasicAuthCache();
                cache.put(idp, scheme);
                return cache;
            }));
            return c;
        });
        Map<String, CookieStore> stores = new HashMap<>();
        perContext(label + ".context-cookie-store.cookie", http, kind, shared, who -> {
            HttpClientContext c = HttpClientContext.create();
            c.setCookieStore(stores.computeIfAbsent(who, w -> store(new BasicCookieStore(), w)));
            return c;
        });
        // One client, its own cookie store, whose content is whoever asks next.
        BasicCookieStore jar = new BasicCookieStore();
        C withJar = kind.build(b -> (C) (classic ? b.classic.setDefaultCookieStore(jar).build()
                : b.async.setDefaultCookieStore(jar).build()));
        perContext(label + ".client-cookie-store.cookie", http, kind, withJar, who -> {
            store(jar, who);
            return null;
        });
        perIdentity(label + ".tls-strategy.mtls", https, kind, who -> kind.build(b -> {
            String certificate = Scenario.certificate(who);
            if (certificate == null) {
                return (C) (classic ? b.classic.build() : b.async.build());
            }
            SSLContext ctx;
            try {
                ctx = TlsFiles.clientContext(tls, certificate);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            DefaultClientTlsStrategy strategy = new DefaultClientTlsStrategy(ctx);
            return (C) (classic
                    ? b.classic.setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                            .setTlsSocketStrategy(strategy).build()).build()
                    : b.async.setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                            .setTlsStrategy(strategy).build()).build());
        }));
    }

    private static RequestConfig config() {
        return RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(10)).build();
    }

    private static CredentialsProvider provider(String who) {
        BasicCredentialsProvider p = new BasicCredentialsProvider();
        p.setCredentials(new AuthScope(null, -1),
                new UsernamePasswordCredentials(Scenario.user(who), Scenario.secret(who).toCharArray()));
        return p;
    }

    private static CookieStore store(BasicCookieStore store, String who) {
        store.clear();
        BasicClientCookie cookie = new BasicClientCookie("session", Scenario.session(who));
        cookie.setDomain("127.0.0.1");
        cookie.setPath("/");
        store.addCookie(cookie);
        return store;
    }

    private static <C extends Closeable> C open(C client) {
        OPEN.add(client);
        return client;
    }

    private static <C> void perIdentity(String id, String base, Kind<C> kind, Function<String, C> clientOf) {
        Map<String, C> clients = new HashMap<>();
        Scenario.run(id, who -> kind.post(clients.computeIfAbsent(who, clientOf), url(base, id), null));
    }

    private static <C> void perContext(String id, String base, Kind<C> kind, C client,
                                       Function<String, HttpClientContext> contextOf) {
        Scenario.run(id, who -> kind.post(client, url(base, id), contextOf.apply(who)));
    }

    private static String url(String base, String id) {
        return base + "/strict/" + id + "/token";
    }
}
