package io.tokenguard.agent.guard;

import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** An upstream stand-in that counts calls and answers what the test tells it to. */
final class FakeIdp {
    final AtomicInteger calls = new AtomicInteger();
    volatile int status = 200;
    volatile String body = "{\"access_token\":\"tok-1\",\"token_type\":\"bearer\",\"expires_in\":3600}";
    volatile HttpHeaders headers = HttpHeaders.builder().add("Content-Type", "application/json").build();
    volatile IOException failure;

    Upstream upstream() {
        return () -> {
            int n = calls.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            return new TokenHttpResponse(status, "Reason", headers,
                    body.replace("tok-1", "tok-" + n).getBytes(StandardCharsets.UTF_8), ResponseSource.UPSTREAM);
        };
    }

    static String text(TokenHttpResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
