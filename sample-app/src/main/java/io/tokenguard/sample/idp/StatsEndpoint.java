package io.tokenguard.sample.idp;

/** {@code GET /admin/stats}: the counters as JSON, for a client running in another process. */
final class StatsEndpoint implements Endpoint {
    private final Counters counters;

    StatsEndpoint(Counters counters) {
        this.counters = counters;
    }

    @Override
    public IdpReply handle(IdpRequest request) {
        return IdpReply.json(200, counters.toJson()).header("Cache-Control", "no-store");
    }
}
