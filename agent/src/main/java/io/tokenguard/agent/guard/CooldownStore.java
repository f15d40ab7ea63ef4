package io.tokenguard.agent.guard;

import io.tokenguard.bootstrap.TokenHttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Identities the provider told to back off (429, or its lockout signature), with the answer it
 * gave, until the back-off is over; while one holds, requests are answered locally. Keys are those
 * of one request (each reading of an ambiguous one: the stricter reading). Futures and failures as
 * for {@link PermitStore}: a fault here is one of the throttle stage.
 */
interface CooldownStore {
    /** Holds every key for durationNanos from now. */
    CompletableFuture<Void> start(List<String> keys, String kind, TokenHttpResponse providerAnswer, long durationNanos);

    /** The cooldown in force for any of these keys, or a future of null. */
    CompletableFuture<Cooldown> current(List<String> keys);
}
