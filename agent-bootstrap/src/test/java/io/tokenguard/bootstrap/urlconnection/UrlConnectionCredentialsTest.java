package io.tokenguard.bootstrap.urlconnection;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What HttpURLConnection adds below the wrapper reaches the guard (issue 10 §1-2): the default
 * CookieHandler's cookies as headers, the default Authenticator and an https connection's socket
 * factory as credential sources. The guard answers itself, so nothing goes on the wire.
 */
class UrlConnectionCredentialsTest {
    private final List<TokenHttpRequest> seen = new ArrayList<>();

    @BeforeEach
    void install() {
        Bridge.install(new GuardDelegate() {
            @Override
            public boolean isTokenEndpoint(String scheme, String host, int port, String path) {
                return true;
            }

            @Override
            public int captureMaxBytes() {
                return 1024;
            }

            @Override
            public TokenHttpResponse exchange(TokenHttpRequest request, Upstream upstream) {
                seen.add(request);
                return new TokenHttpResponse(200, "OK", HttpHeaders.EMPTY, new byte[0], ResponseSource.CACHE);
            }

            @Override
            public CompletableFuture<TokenHttpResponse> exchangeAsync(TokenHttpRequest request,
                                                                      AsyncUpstream upstream) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void fault(String stage, Throwable error) {
                throw new AssertionError("fault in " + stage, error);
            }
        });
    }

    @AfterEach
    void uninstall() {
        Bridge.install(null);
        CookieHandler.setDefault(null);
        Authenticator.setDefault(null);
    }

    private TokenHttpRequest post(String url, SSLSocketFactory factory) throws IOException {
        URL u = new URL(url);
        HttpURLConnection c = (HttpURLConnection) UrlConnectionAdapter.wrap(u, u.openConnection());
        if (factory != null) {
            ((HttpsURLConnection) c).setSSLSocketFactory(factory);
        }
        c.setRequestMethod("POST");
        c.setRequestProperty("Cookie", "app=1");
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
            out.write("grant_type=client_credentials".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(c.getResponseCode()).isEqualTo(200);
        return seen.get(seen.size() - 1);
    }

    @Test
    void plainRequestCarriesNoSource() throws IOException {
        TokenHttpRequest r = post("http://127.0.0.1:9/token", null);
        assertThat(r.credentialSources()).isEmpty();
        assertThat(r.headers().all("Cookie")).containsExactly("app=1");
    }

    @Test
    void theDefaultCookieHandlersCookiesAreHeaders() throws IOException {
        List<URI> asked = new ArrayList<>();
        CookieHandler.setDefault(new CookieHandler() {
            @Override
            public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
                asked.add(uri);
                return Map.of("Cookie", List.of("session=a", "theme=b"), "X-Other", List.of("ignored"));
            }

            @Override
            public void put(URI uri, Map<String, List<String>> responseHeaders) {
            }
        });
        TokenHttpRequest r = post("http://127.0.0.1:9/token", null);
        assertThat(asked).containsExactly(URI.create("http://127.0.0.1:9/token"));
        // As the JDK's writeRequests sends them: the app's line, then one line joined by "; ".
        assertThat(r.headers().all("Cookie")).containsExactly("app=1", "session=a; theme=b");
        assertThat(r.headers().all("X-Other")).isEmpty();
        assertThat(r.credentialSources()).isEmpty();
    }

    @Test
    void theDefaultAuthenticatorIsASource() throws IOException {
        Authenticator authenticator = new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication("alice", new char[] {'x'});
            }
        };
        Authenticator.setDefault(authenticator);
        assertThat(post("http://127.0.0.1:9/token", null).credentialSources()).containsExactly(authenticator);
    }

    @Test
    void anHttpsConnectionsSocketFactoryIsASource() throws Exception {
        SSLSocketFactory own = ownFactory();
        assertThat(post("https://127.0.0.1:9/token", null).credentialSources())
                .containsExactly(HttpsURLConnection.getDefaultSSLSocketFactory());
        assertThat(post("https://127.0.0.1:9/token", own).credentialSources()).containsExactly(own);
    }

    private static SSLSocketFactory ownFactory() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, null, null);
        return ctx.getSocketFactory();
    }
}
