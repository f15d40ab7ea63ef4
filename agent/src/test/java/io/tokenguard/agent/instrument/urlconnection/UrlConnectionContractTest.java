package io.tokenguard.agent.instrument.urlconnection;

import io.tokenguard.agent.instrument.ClientContractTest;
import io.tokenguard.agent.instrument.ClientDriver;
import io.tokenguard.agent.instrument.Reply;
import io.tokenguard.bootstrap.urlconnection.UrlConnectionAdapter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** HttpURLConnection: {@code URL.openConnection()} as its patch leaves it, the JDK's own connection bare. */
class UrlConnectionContractTest extends ClientContractTest {
    @Override
    protected String clientName() {
        return "urlconnection";
    }

    @Override
    protected ClientDriver driver() {
        return new ClientDriver() {
            @Override
            public Reply post(URL url, String form, int timeoutMillis, boolean guarded) throws Exception {
                return call(url, "POST", form, timeoutMillis, guarded);
            }

            @Override
            public Reply get(URL url, boolean guarded) throws Exception {
                return call(url, "GET", null, 10_000, guarded);
            }

            @Override
            public Class<?> responseType() {
                return HttpURLConnection.class;
            }
        };
    }

    private static Reply call(URL url, String method, String form, int timeoutMillis, boolean guarded)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) (guarded ? UrlConnectionAdapter.wrap(url, url.openConnection())
                : url.openConnection());
        try {
            c.setRequestMethod(method);
            c.setReadTimeout(timeoutMillis);
            if (form != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
                try (OutputStream out = c.getOutputStream()) {
                    out.write(form.getBytes(StandardCharsets.UTF_8));
                }
            }
            int status = c.getResponseCode();
            List<String> headers = new ArrayList<>();
            for (int i = 1; c.getHeaderFieldKey(i) != null; i++) {
                headers.add(c.getHeaderFieldKey(i));
                headers.add(c.getHeaderField(i));
            }
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                return Reply.of(status, headers, new String(in.readAllBytes(), StandardCharsets.UTF_8), c);
            }
        } catch (IOException e) {
            return Reply.failed(e);
        }
    }
}
