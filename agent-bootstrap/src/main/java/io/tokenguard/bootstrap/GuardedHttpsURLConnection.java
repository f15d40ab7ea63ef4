package io.tokenguard.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.ProtocolException;
import java.security.Permission;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocketFactory;

/**
 * What {@code URL.openConnection()} returns for an https token endpoint; see
 * {@link GuardedHttpURLConnection}, whose override list this one repeats, plus the TLS accessors.
 */
final class GuardedHttpsURLConnection extends HttpsURLConnection implements GuardedConnection {
    private final HttpsURLConnection real;
    private final ConnectionExchange exchange;

    GuardedHttpsURLConnection(HttpsURLConnection real) {
        super(real.getURL());
        this.real = real;
        this.exchange = new ConnectionExchange(real);
    }

    @Override
    public void connect() throws IOException {
        exchange.connect();
    }

    @Override
    public void disconnect() {
        exchange.disconnect();
    }

    @Override
    public boolean usingProxy() {
        return real.usingProxy();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return exchange.outputStream();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return exchange.inputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return exchange.errorStream();
    }

    @Override
    public int getResponseCode() throws IOException {
        return exchange.responseCode();
    }

    @Override
    public String getResponseMessage() throws IOException {
        return exchange.responseMessage();
    }

    @Override
    public String getHeaderField(String name) {
        return exchange.headerField(name);
    }

    @Override
    public String getHeaderField(int n) {
        return exchange.headerField(n);
    }

    @Override
    public String getHeaderFieldKey(int n) {
        return exchange.headerFieldKey(n);
    }

    @Override
    public Map<String, List<String>> getHeaderFields() {
        return exchange.headerFields();
    }

    @Override
    public void setRequestProperty(String key, String value) {
        exchange.setRequestProperty(key, value);
    }

    @Override
    public void addRequestProperty(String key, String value) {
        exchange.addRequestProperty(key, value);
    }

    @Override
    public String getRequestProperty(String key) {
        return real.getRequestProperty(key);
    }

    @Override
    public Map<String, List<String>> getRequestProperties() {
        return real.getRequestProperties();
    }

    @Override
    public void setRequestMethod(String method) throws ProtocolException {
        exchange.setRequestMethod(method);
    }

    @Override
    public String getRequestMethod() {
        return real.getRequestMethod();
    }

    @Override
    public void setDoOutput(boolean doOutput) {
        real.setDoOutput(doOutput);
    }

    @Override
    public boolean getDoOutput() {
        return real.getDoOutput();
    }

    @Override
    public void setDoInput(boolean doInput) {
        real.setDoInput(doInput);
    }

    @Override
    public boolean getDoInput() {
        return real.getDoInput();
    }

    @Override
    public void setConnectTimeout(int timeout) {
        real.setConnectTimeout(timeout);
    }

    @Override
    public int getConnectTimeout() {
        return real.getConnectTimeout();
    }

    @Override
    public void setReadTimeout(int timeout) {
        real.setReadTimeout(timeout);
    }

    @Override
    public int getReadTimeout() {
        return real.getReadTimeout();
    }

    @Override
    public void setUseCaches(boolean useCaches) {
        real.setUseCaches(useCaches);
    }

    @Override
    public boolean getUseCaches() {
        return real.getUseCaches();
    }

    @Override
    public void setDefaultUseCaches(boolean defaultUseCaches) {
        real.setDefaultUseCaches(defaultUseCaches);
    }

    @Override
    public boolean getDefaultUseCaches() {
        return real.getDefaultUseCaches();
    }

    @Override
    public void setAllowUserInteraction(boolean allow) {
        real.setAllowUserInteraction(allow);
    }

    @Override
    public boolean getAllowUserInteraction() {
        return real.getAllowUserInteraction();
    }

    @Override
    public void setIfModifiedSince(long ifModifiedSince) {
        real.setIfModifiedSince(ifModifiedSince);
    }

    @Override
    public long getIfModifiedSince() {
        return real.getIfModifiedSince();
    }

    @Override
    public void setInstanceFollowRedirects(boolean follow) {
        real.setInstanceFollowRedirects(follow);
    }

    @Override
    public boolean getInstanceFollowRedirects() {
        return real.getInstanceFollowRedirects();
    }

    @Override
    public void setFixedLengthStreamingMode(int contentLength) {
        real.setFixedLengthStreamingMode(contentLength);
    }

    @Override
    public void setFixedLengthStreamingMode(long contentLength) {
        real.setFixedLengthStreamingMode(contentLength);
    }

    @Override
    public void setChunkedStreamingMode(int chunkLength) {
        real.setChunkedStreamingMode(chunkLength);
    }

    @Override
    public void setAuthenticator(Authenticator authenticator) {
        real.setAuthenticator(authenticator);
    }

    @Override
    public Permission getPermission() throws IOException {
        return real.getPermission();
    }

    @Override
    public String toString() {
        return real.toString();
    }

    @Override
    public String getCipherSuite() {
        return real.getCipherSuite();
    }

    @Override
    public Certificate[] getLocalCertificates() {
        return real.getLocalCertificates();
    }

    @Override
    public Certificate[] getServerCertificates() throws SSLPeerUnverifiedException {
        return real.getServerCertificates();
    }

    @Override
    public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
        return real.getPeerPrincipal();
    }

    @Override
    public Principal getLocalPrincipal() {
        return real.getLocalPrincipal();
    }

    @Override
    public void setHostnameVerifier(HostnameVerifier verifier) {
        real.setHostnameVerifier(verifier);
    }

    @Override
    public HostnameVerifier getHostnameVerifier() {
        return real.getHostnameVerifier();
    }

    @Override
    public void setSSLSocketFactory(SSLSocketFactory factory) {
        real.setSSLSocketFactory(factory);
    }

    @Override
    public SSLSocketFactory getSSLSocketFactory() {
        return real.getSSLSocketFactory();
    }
}
