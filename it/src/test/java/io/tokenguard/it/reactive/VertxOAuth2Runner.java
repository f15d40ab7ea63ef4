package io.tokenguard.it.reactive;

import io.vertx.core.Vertx;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Vert.x app in a child JVM (Vert.x 4.5 or 5.0 and vertx-auth-oauth2 from a library set): N careless
 * client-credentials sign-ins through vertx-auth-oauth2's {@code OAuth2Auth.authenticate}, all started at
 * once on the event loop (as a verticle or Quarkus starts them), none waiting there; only main waits.
 * vertx-auth-oauth2 keeps no token between calls: each one asks the IdP. Prints
 * {@code case vertx-oauth2-client-credentials <outcome>=<count>... tokens=<distinct>}.
 */
public final class VertxOAuth2Runner {
    private VertxOAuth2Runner() {
    }

    public static void main(String[] args) throws InterruptedException {
        String idp = args[0];
        int n = Integer.parseInt(args[1]);
        Vertx vertx = Vertx.vertx();
        OAuth2Auth oauth2 = OAuth2Auth.create(vertx, new OAuth2Options().setSite(idp).setTokenPath("/oauth2/token")
                .setClientId("sample-consumer").setClientSecret("sample-consumer-secret"));
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        Map<String, Boolean> tokens = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(n);
        vertx.runOnContext(v -> {
            for (int i = 0; i < n; i++) {
                oauth2.authenticate(new Oauth2Credentials().setFlow(OAuth2FlowType.CLIENT)).onComplete(ar -> {
                    String outcome;
                    if (ar.succeeded()) {
                        String token = ar.result().principal().getString("access_token");
                        if (token != null) {
                            tokens.put(token, Boolean.TRUE);
                        }
                        outcome = token == null ? "no-token" : "ok";
                    } else {
                        outcome = ar.cause().getClass().getSimpleName();
                    }
                    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                    done.countDown();
                });
            }
        });
        boolean all = done.await(60, TimeUnit.SECONDS);
        StringBuilder line = new StringBuilder("case vertx-oauth2-client-credentials");
        new TreeMap<>(outcomes).forEach((o, c) -> line.append(' ').append(o).append('=').append(c.get()));
        line.append(" tokens=").append(tokens.size());
        if (!all) {
            line.append(" unfinished=").append(done.getCount());
        }
        System.out.println(line);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
