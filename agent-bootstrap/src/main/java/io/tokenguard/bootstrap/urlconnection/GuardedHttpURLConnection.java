package io.tokenguard.bootstrap.urlconnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.URL;
import java.security.Permission;
import java.util.List;
import java.util.Map;

/**
 * What {@code URL.openConnection()} returns for a plain-http token endpoint: behaves like the JDK's
 * connection it wraps, but answers through the guard. All logic lives in {@link ConnectionExchange}.
 */
final class GuardedHttpURLConnection extends HttpURLConnection implements GuardedConnection {
    private final ConnectionExchange x;

    GuardedHttpURLConnection(HttpURLConnection real) {
        super(real.getURL());
        this.x = new ConnectionExchange(real);
    }

    // Request settings: checked against this wrapper's state, then applied to the real connection.

    @Override public void setRequestMethod(String method) throws ProtocolException { x.setRequestMethod(method); }
    @Override public String getRequestMethod() { return x.real().getRequestMethod(); }
    @Override public void setRequestProperty(String key, String value) { x.setRequestProperty(key, value); }
    @Override public void addRequestProperty(String key, String value) { x.addRequestProperty(key, value); }
    @Override public String getRequestProperty(String key) { return x.real().getRequestProperty(key); }
    @Override public Map<String, List<String>> getRequestProperties() { return x.getRequestProperties(); }
    @Override public void setDoInput(boolean doInput) { x.setDoInput(doInput); }
    @Override public boolean getDoInput() { return x.real().getDoInput(); }
    @Override public void setDoOutput(boolean doOutput) { x.setDoOutput(doOutput); }
    @Override public boolean getDoOutput() { return x.real().getDoOutput(); }
    @Override public void setAllowUserInteraction(boolean allow) { x.setAllowUserInteraction(allow); }
    @Override public boolean getAllowUserInteraction() { return x.real().getAllowUserInteraction(); }
    @Override public void setUseCaches(boolean useCaches) { x.setUseCaches(useCaches); }
    @Override public boolean getUseCaches() { return x.real().getUseCaches(); }
    @Override public void setIfModifiedSince(long ifModifiedSince) { x.setIfModifiedSince(ifModifiedSince); }
    @Override public long getIfModifiedSince() { return x.real().getIfModifiedSince(); }
    @Override public void setDefaultUseCaches(boolean defaultUseCaches) { x.real().setDefaultUseCaches(defaultUseCaches); }
    @Override public boolean getDefaultUseCaches() { return x.real().getDefaultUseCaches(); }
    @Override public void setConnectTimeout(int timeout) { x.real().setConnectTimeout(timeout); }
    @Override public int getConnectTimeout() { return x.real().getConnectTimeout(); }
    @Override public void setReadTimeout(int timeout) { x.real().setReadTimeout(timeout); }
    @Override public int getReadTimeout() { return x.real().getReadTimeout(); }
    @Override public void setInstanceFollowRedirects(boolean follow) { x.real().setInstanceFollowRedirects(follow); }
    @Override public boolean getInstanceFollowRedirects() { return x.real().getInstanceFollowRedirects(); }
    @Override public void setFixedLengthStreamingMode(int contentLength) { x.setFixedLengthStreamingMode(contentLength); }
    @Override public void setFixedLengthStreamingMode(long contentLength) { x.setFixedLengthStreamingMode(contentLength); }
    @Override public void setChunkedStreamingMode(int chunkLength) { x.setChunkedStreamingMode(chunkLength); }
    @Override public void setAuthenticator(Authenticator auth) { x.setAuthenticator(auth); }

    // Connecting, the body, the response.

    @Override public void connect() throws IOException { x.connect(); }
    @Override public OutputStream getOutputStream() throws IOException { return x.getOutputStream(); }
    @Override public InputStream getInputStream() throws IOException { return x.getInputStream(); }
    @Override public InputStream getErrorStream() { return x.getErrorStream(); }
    @Override public int getResponseCode() throws IOException { return x.getResponseCode(); }
    @Override public String getResponseMessage() throws IOException { return x.getResponseMessage(); }
    @Override public String getHeaderField(String name) { return x.getHeaderField(name); }
    @Override public String getHeaderField(int n) { return x.getHeaderField(n); }
    @Override public String getHeaderFieldKey(int n) { return x.getHeaderFieldKey(n); }
    @Override public Map<String, List<String>> getHeaderFields() { return x.getHeaderFields(); }
    @Override public void disconnect() { x.disconnect(); }

    // Plain delegation. Content type/length/encoding, dates and getHeaderFieldInt/Long/Date are inherited:
    // URLConnection derives them from getHeaderField(String), exactly as it does for the real connection.

    @Override public URL getURL() { return x.getURL(); }
    @Override public boolean usingProxy() { return x.usingProxy(); }
    @Override public Permission getPermission() throws IOException { return x.getPermission(); }
    @Override public String toString() { return x.real().toString(); }
}
