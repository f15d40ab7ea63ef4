package io.tokenguard.sample;

import io.tokenguard.sample.json.JsonParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;

/** One round: every thread released at once, each asking for a new token before every API call. */
final class Workload {
    /** --fresh-scope: this JVM's process id, so that no other JVM of the app asks for the same scope... */
    private static final String SCOPE_PREFIX = "full request-" + ProcessHandle.current().pid() + "-";
    /** ...and a number no other request of this JVM had, in any round (each round has a Workload of its own). */
    private static final AtomicLong REQUEST_NUMBER = new AtomicLong();
    private final AppOptions options;
    private final TokenClient client;

    Workload(AppOptions options, String baseUrl) {
        this.options = options;
        this.client = new TokenClient(baseUrl, options.eloquaPath, options.twitterPath);
    }

    Tally runRound() throws InterruptedException {
        return runThreads(pass -> pass < options.iterations, () -> { });
    }

    /**
     * Every thread repeats {@link #iteration} while {@code more} says so for the passes it has done;
     * {@code atRelease} runs just before the threads are let go (a load round starts its clock there).
     */
    Tally runThreads(IntPredicate more, Runnable atRelease) throws InterruptedException {
        Tally tally = new Tally(options);
        CountDownLatch startGate = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < options.threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    startGate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int pass = 0; more.test(pass); pass++) {
                    iteration(tally);
                }
            }, "sample-worker-" + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        atRelease.run();
        // Releasing all threads together is what makes concurrent token requests actually collide.
        startGate.countDown();
        for (Thread w : workers) {
            w.join();
        }
        return tally;
    }

    /** One pass over every provider and user: a token request, then an API call with it. */
    void iteration(Tally tally) {
        for (String provider : options.providers) {
            if ("eloqua".equals(provider)) {
                for (String user : options.users) {
                    Row row = tally.row(provider, user);
                    String scope = options.freshScope ? SCOPE_PREFIX + REQUEST_NUMBER.incrementAndGet() : "full";
                    String token = token(row,
                            () -> client.eloqua(AppOptions.userName(user), options.passwordOf(user), scope));
                    callApi(row, token);
                }
            } else if ("entra".equals(provider)) {
                for (CertificateCredential credential : options.entraCredentials) {
                    Row row = tally.row(provider, credential.clientId);
                    callApi(row, token(row, () -> client.entra(credential)));
                }
            } else if ("dpop".equals(provider)) {
                for (DpopKey key : options.dpopKeys) {
                    Row row = tally.row(provider, key.thumbprint);
                    // The token is DPoP-bound: the API here takes it as a bearer, enough to show it works.
                    callApi(row, token(row, () -> client.dpop(key)));
                }
            } else if ("google".equals(provider)) {
                for (ServiceAccountKey key : options.serviceAccountKeys) {
                    Row row = tally.row(provider, key.email);
                    callApi(row, token(row, () -> client.google(key)));
                }
            } else {
                for (String consumer : options.consumers()) {
                    Row row = tally.row(provider, consumer);
                    callApi(row, token(row, () -> client.twitter(consumer)));
                }
            }
        }
    }

    private interface Request {
        HttpCall.Response send() throws IOException;
    }

    /** Returns the access token, or null when there is none to use. */
    private static String token(Row row, Request request) {
        HttpCall.Response r;
        long started = System.nanoTime();
        try {
            r = request.send();
        } catch (IOException e) {
            row.tokenMillis((System.nanoTime() - started) / 1_000_000);
            row.tokenAnswer(Row.IO_ERROR);
            return null;
        }
        row.tokenMillis((System.nanoTime() - started) / 1_000_000);
        row.tokenAnswer(Integer.toString(r.status));
        if (r.status / 100 != 2) {
            return null;
        }
        String token = field(r.body, "access_token");
        if (token == null || token.isEmpty()) {
            row.unreadable();
            return null;
        }
        row.token(Fingerprint.of(token));
        return token;
    }

    private void callApi(Row row, String token) {
        if (!options.api || token == null) {
            return;
        }
        try {
            HttpCall.Response r = client.data(token);
            if (r.status == 200) {
                row.apiOk(field(r.body, "user"));
            } else {
                row.apiFailed();
            }
        } catch (IOException e) {
            row.apiFailed();
        }
    }

    private static String field(String json, String name) {
        try {
            Object v = JsonParser.parse(json);
            if (v instanceof Map) {
                Object f = ((Map<?, ?>) v).get(name);
                return f instanceof String ? (String) f : null;
            }
        } catch (IllegalArgumentException e) {
            // Not JSON: treated like a missing field.
        }
        return null;
    }
}
