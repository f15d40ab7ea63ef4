package io.tokenguard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/** java.net.HttpURLConnection: openConnection, body through getOutputStream, read to the end (keep-alive). */
final class UrlConnectionClient implements Client {
    @Override
    public int get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        return finish(c);
    }

    @Override
    public int postForm(String url, String authorization, String form) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setRequestMethod("POST");
        c.setRequestProperty("Authorization", authorization);
        c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8");
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
            out.write(form.getBytes(StandardCharsets.UTF_8));
        }
        return finish(c);
    }

    private static int finish(HttpURLConnection c) throws IOException {
        int status = c.getResponseCode();
        InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
        if (in != null) {
            try (InputStream body = in) {
                body.readAllBytes();
            }
        }
        return status;
    }

    @Override
    public void close() {
    }
}
