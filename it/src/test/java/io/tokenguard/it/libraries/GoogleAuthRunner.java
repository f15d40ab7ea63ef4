package io.tokenguard.it.libraries;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A careless app on google-auth-library (from the google-auth-1.58.0 library set): every call builds new
 * {@code ServiceAccountCredentials} from the JSON key file and refreshes them, so each call signs a new
 * jwt-bearer assertion (RS256, kid, iat in whole seconds, no jti) and posts it to the key file's
 * token_uri over the library's default transport (HttpURLConnection). Threads x calls each, all released
 * at once. Prints {@code case google-auth <outcome>=<count>... tokens=<distinct>}.
 */
public final class GoogleAuthRunner {
    private GoogleAuthRunner() {
    }

    public static void main(String[] args) throws Exception {
        String keyFile = args[0];
        int threads = Integer.parseInt(args[1]);
        int calls = Integer.parseInt(args[2]);
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        Map<String, Boolean> tokens = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < calls; i++) {
                    String outcome;
                    try (InputStream in = new FileInputStream(keyFile)) {
                        GoogleCredentials credentials = ServiceAccountCredentials.fromStream(in)
                                .createScoped(List.of("https://www.googleapis.com/auth/cloud-platform"));
                        AccessToken token = credentials.refreshAccessToken();
                        tokens.put(token.getTokenValue(), Boolean.TRUE);
                        outcome = "ok";
                    } catch (Exception e) {
                        outcome = e.getClass().getSimpleName();
                    }
                    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                }
            });
            workers[t].start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        StringBuilder line = new StringBuilder("case google-auth");
        new TreeMap<>(outcomes).forEach((o, c) -> line.append(' ').append(o).append('=').append(c.get()));
        line.append(" tokens=").append(tokens.size());
        System.out.println(line);
    }
}
