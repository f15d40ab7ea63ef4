package io.tokenguard.it.security;

import io.tokenguard.it.security.Scenario.Answer;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.client.AuthCache;
import org.apache.http.client.CookieStore;
import org.apache.http.client.CredentialsProvider;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.auth.BasicScheme;
import org.apache.http.impl.client.BasicAuthCache;
import org.apache.http.impl.client.BasicCookieStore;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.cookie.BasicClientCookie;
import org.apache.http.message.BasicHeader;
import org.apache.http.util.EntityUtils;

/**
 * Apache HttpClient 4.5 in the security suite, loaded in a class loader of its own. The client's
 * own parts (default headers, interceptors, credentials provider, SSL context) on one client per
 * identity; what a call's HttpClientContext brings on one client shared by every identity.
 */
public final class Apache4Driver {
    private static final List<Closeable> OPEN = new ArrayList<>();

    private Apache4Driver() {
    }

    /** Entry point, called by {@link SecurityRunner} through reflection from another class loader. */
    public static void run(String label, String http, String https, String tlsDir) throws Exception {
        Path tls = Paths.get(tlsDir);
        HttpHost idp = HttpHost.create(http);
        try {
            perIdentity(label + ".default-headers.basic", http, who -> builder()
                    .setDefaultHeaders(List.of(new BasicHeader("Authorization", Scenario.basic(who)))).build());
            perIdentity(label + ".request-interceptor.basic", http, who -> builder()
                    .addInterceptorLast((HttpRequestInterceptor) (request, context) ->
                            request.setHeader("Authorization", Scenario.basic(who))).build());
            perIdentity(label + ".default-credentials-provider.basic", http, who -> builder()
                    .setDefaultCredentialsProvider(provider(who)).build());
            CloseableHttpClient shared = open(builder().build());
            Map<String, CredentialsProvider> providers = new HashMap<>();
            perContext(label + ".context-credentials-provider.basic", http, shared, who -> {
                HttpClientContext c = HttpClientContext.create();
                c.setCredentialsProvider(providers.computeIfAbsent(who, Apache4Driver::provider));
                return c;
            });
            Map<String, AuthCache> caches = new HashMap<>();
            perContext(label + ".context-auth-cache.basic", http, shared, who -> {
                HttpClientContext c = HttpClientContext.create();
                c.setCredentialsProvider(providers.computeIfAbsent(who, Apache4Driver::provider));
                c.setAuthCache(caches.computeIfAbsent(who, w -> {
                    BasicAuthCache cache = new BasicAuthCache();
                    cache.put(idp, new BasicScheme());
                    return cache;
                }));
                return c;
            });
            Map<String, CookieStore> stores = new HashMap<>();
            perContext(label + ".context-cookie-store.cookie", http, shared, who -> {
                HttpClientContext c = HttpClientContext.create();
                c.setCookieStore(stores.computeIfAbsent(who, w -> store(new BasicCookieStore(), w)));
                return c;
            });
            // One client, its own cookie store, whose content is whoever asks next.
            BasicCookieStore jar = new BasicCookieStore();
            CloseableHttpClient withJar = open(builder().setDefaultCookieStore(jar).build());
            perContext(label + ".client-cookie-store.cookie", http, withJar, who -> {
                store(jar, who);
                return null;
            });
            perIdentity(label + ".ssl-context.mtls", https, who -> {
                String certificate = Scenario.certificate(who);
                try {
                    return certificate == null ? builder().build()
                            : builder().setSSLContext(TlsFiles.clientContext(tls, certificate)).build();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        } finally {
            for (Closeable c : OPEN) {
                c.close();
            }
            OPEN.clear();
        }
    }

    private static CredentialsProvider provider(String who) {
        BasicCredentialsProvider p = new BasicCredentialsProvider();
        p.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(Scenario.user(who), Scenario.secret(who)));
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

    private static HttpClientBuilder builder() {
        return HttpClients.custom().setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(10_000)
                .setSocketTimeout(10_000).build());
    }

    private static CloseableHttpClient open(CloseableHttpClient client) {
        OPEN.add(client);
        return client;
    }

    private static void perIdentity(String id, String base, Function<String, CloseableHttpClient> clientOf) {
        Map<String, CloseableHttpClient> clients = new HashMap<>();
        Scenario.run(id, who -> post(clients.computeIfAbsent(who, w -> open(clientOf.apply(w))), base, id, null));
    }

    private static void perContext(String id, String base, CloseableHttpClient client,
                                   Function<String, HttpClientContext> contextOf) {
        Scenario.run(id, who -> post(client, base, id, contextOf.apply(who)));
    }

    private static Answer post(CloseableHttpClient client, String base, String id, HttpClientContext context)
            throws IOException {
        HttpPost post = new HttpPost(base + "/strict/" + id + "/token");
        post.setEntity(new StringEntity(Scenario.BODY, ContentType.APPLICATION_FORM_URLENCODED));
        try (CloseableHttpResponse r = context == null ? client.execute(post) : client.execute(post, context)) {
            String body = r.getEntity() == null ? "" : EntityUtils.toString(r.getEntity());
            return new Answer(r.getStatusLine().getStatusCode(), body,
                    r.getFirstHeader("X-TokenGuard") == null ? null : r.getFirstHeader("X-TokenGuard").getValue());
        }
    }
}
