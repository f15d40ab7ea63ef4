package io.tokenguard.agent.instrument.javahttp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** An HttpResponse built from a guard answer, its body produced by the caller's own BodyHandler. */
final class SyntheticHttpResponse<T> implements HttpResponse<T> {
    private final int status;
    private final HttpRequest request;
    private final HttpHeaders headers;
    private final T body;
    private final HttpClient.Version version;

    SyntheticHttpResponse(int status, HttpRequest request, HttpHeaders headers, T body, HttpClient.Version version) {
        this.status = status;
        this.request = request;
        this.headers = headers;
        this.body = body;
        this.version = version;
    }

    @Override
    public int statusCode() {
        return status;
    }

    @Override
    public HttpRequest request() {
        return request;
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
        return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public T body() {
        return body;
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return Optional.empty();
    }

    @Override
    public URI uri() {
        return request.uri();
    }

    @Override
    public HttpClient.Version version() {
        return version;
    }

    @Override
    public String toString() {
        return "(" + request.method() + " " + request.uri() + ") " + status;
    }
}
