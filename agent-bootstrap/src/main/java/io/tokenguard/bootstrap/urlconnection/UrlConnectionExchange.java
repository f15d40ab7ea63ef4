package io.tokenguard.bootstrap.urlconnection;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.adapter.BlockingClientExchange;
import io.tokenguard.bootstrap.adapter.BodyBounds;
import io.tokenguard.bootstrap.adapter.OwnResponse;
import io.tokenguard.bootstrap.adapter.ResponseReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;

/**
 * HttpURLConnection's part of the exchange phase of one guarded connection: the request as the
 * wrapper captured it (headers from the real connection, the hidden Authorization headers, the default
 * CookieHandler's cookies, the body buffered by {@link CapturingOutputStream}), the replay on the real
 * connection as the upstream send, and its response read within the bounds into a {@link ServedResponse}.
 */
final class UrlConnectionExchange extends BlockingClientExchange<ServedResponse> {
    private final ConnectionExchange owner;
    private final HttpURLConnection real;

    UrlConnectionExchange(GuardDelegate guard, ConnectionExchange owner) {
        super(HttpClientKind.URLCONNECTION, guard);
        this.owner = owner;
        this.real = owner.real();
    }

    @Override
    protected TokenHttpRequest request(int captureMaxBytes) {
        HttpHeaders headers;
        try {
            headers = UrlConnectionCredentials.withCookies(real, owner.requestHeaders(), real.getRequestProperties());
        } catch (IOException | RuntimeException e) {
            // The app's CookieHandler failed: the JDK asks it again and fails the request with it, unguarded.
            return null;
        }
        return UrlConnectionCredentials.withSources(real, new TokenHttpRequest(client, real.getRequestMethod(),
                real.getURL(), headers, owner.capturedBody(), real.getReadTimeout()));
    }

    /** The replay: the captured body written to the real connection, which then sends the request. */
    @Override
    protected OwnResponse<ServedResponse> send(BodyBounds bounds) throws IOException {
        owner.realUsed();
        owner.writeCapturedBody(true);
        real.getResponseCode();
        return new Reader().read(client, bounds);
    }

    @Override
    protected ServedResponse synthetic(TokenHttpResponse answer) {
        return ServedResponse.synthetic(answer, real.getURL().toString());
    }

    /** The real connection takes the request over, body included: it answers everything from now on. */
    @Override
    protected ServedResponse proceed() throws IOException {
        owner.switchToPassThrough();
        return null;
    }

    @Override
    protected void release(ServedResponse streaming) {
        streaming.release();
    }

    /** The real connection's response, which it read when asked for the status. */
    private final class Reader extends ResponseReader<ServedResponse> {
        private String statusLine;
        private InputStream in;

        @Override
        protected int status() {
            try {
                return real.getResponseCode();
            } catch (IOException e) {
                // Asked once already: the JDK answers from what it read.
                throw new IllegalStateException(e);
            }
        }

        @Override
        protected String reason() {
            try {
                return real.getResponseMessage();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        protected HttpHeaders headers() {
            statusLine = real.getHeaderField(0);
            HttpHeaders.Builder headers = HttpHeaders.builder();
            for (int i = 1; ; i++) {
                String key = real.getHeaderFieldKey(i);
                String value = real.getHeaderField(i);
                if (key == null && value == null) {
                    break;
                }
                if (key != null) {
                    headers.add(key, value);
                }
            }
            return headers.build();
        }

        @Override
        protected boolean hasBody() {
            return true;
        }

        @Override
        protected void prepare() {
        }

        @Override
        protected InputStream body() throws IOException {
            in = real.getResponseCode() < HttpURLConnection.HTTP_BAD_REQUEST ? real.getInputStream()
                    : real.getErrorStream();
            return in;
        }

        @Override
        protected ServedResponse followedBy(TokenHttpResponse prefix, InputStream rest) {
            return ServedResponse.streaming(prefix, statusLine, rest, real.getURL().toString());
        }

        @Override
        protected ServedResponse thenFailing(TokenHttpResponse arrived, IOException failure) {
            closeQuietly();
            return ServedResponse.broken(arrived, statusLine, failure, real.getURL().toString());
        }

        @Override
        protected ServedResponse whole(TokenHttpResponse answer) {
            return ServedResponse.whole(answer, statusLine, real.getURL().toString());
        }

        /** The real connection's own response, untouched: it holds it already, so nothing is sent again. */
        @Override
        protected ServedResponse untouched() {
            return ServedResponse.BY_REAL;
        }

        @Override
        protected void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }

        private void closeQuietly() {
            try {
                close();
            } catch (IOException ignored) {
                // the failure that matters is already being thrown
            }
        }
    }
}
