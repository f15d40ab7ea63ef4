package io.tokenguard.agent.guard;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Answers TokenGuard gives without calling the provider, shaped like the provider's own. */
final class LocalAnswers {
    private LocalAnswers() {
    }

    /** Over the local limit: status (429 by default), Retry-After and an OAuth-style JSON error. */
    static TokenHttpResponse throttled(EndpointRule rule, long waitNanos) {
        long seconds = retryAfterSeconds(waitNanos);
        return tooManyRequests(rule, seconds, "this identity reached the limit of " + rule.limit() + " for endpoint "
                + rule.id() + "; retry after " + seconds + " seconds.");
    }

    /** Over the load-test guardrail: shaped like the limit's answer, naming the guardrail instead. */
    static TokenHttpResponse guardrail(EndpointRule rule, int maxPerMinute, long waitNanos) {
        long seconds = retryAfterSeconds(waitNanos);
        return tooManyRequests(rule, seconds, "the guardrail of " + maxPerMinute
                + " upstream calls per minute for endpoint " + rule.id() + " was reached; retry after " + seconds
                + " seconds.");
    }

    private static TokenHttpResponse tooManyRequests(EndpointRule rule, long retryAfterSeconds, String why) {
        String body = "{\"error\":\"too_many_requests\",\"error_description\":\"TokenGuard: " + why + "\"}";
        HttpHeaders headers = HttpHeaders.builder()
                .add("Content-Type", "application/json;charset=UTF-8")
                .add("Cache-Control", "no-store")
                .add("Retry-After", Long.toString(retryAfterSeconds))
                .add(TokenHttpResponse.MARKER_HEADER, ResponseSource.LOCAL_THROTTLE.label())
                .build();
        return new TokenHttpResponse(rule.rejectStatus(), reasonPhrase(rule.rejectStatus()), headers,
                body.getBytes(StandardCharsets.UTF_8), ResponseSource.LOCAL_THROTTLE);
    }

    /** During a cooldown: the provider's own back-off answer again, with the time still left. */
    static TokenHttpResponse cooldown(TokenHttpResponse providerAnswer, long remainingNanos) {
        HttpHeaders headers = providerAnswer.headers()
                .with("Retry-After", Long.toString(retryAfterSeconds(remainingNanos)))
                .with(TokenHttpResponse.MARKER_HEADER, ResponseSource.LOCAL_COOLDOWN.label());
        return new TokenHttpResponse(providerAnswer.status(), providerAnswer.reason(), headers, providerAnswer.body(),
                ResponseSource.LOCAL_COOLDOWN);
    }

    static long retryAfterSeconds(long nanos) {
        return Math.max(1, (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
    }

    private static String reasonPhrase(int status) {
        switch (status) {
            case 429:
                return "Too Many Requests";
            case 403:
                return "Forbidden";
            case 503:
                return "Service Unavailable";
            default:
                return "Rejected";
        }
    }
}
