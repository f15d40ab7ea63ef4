package io.tokenguard.agent.guard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/**
 * Follower tests' fixture: a loopback IdP that holds token requests until the test lets go, and a
 * real guard behind the bridge whose one rule covers that IdP's token path.
 */
abstract class AgainstHangingIdp {
    /** Longest any single wait in these tests may take before it counts as hung. */
    static final Duration BOUND = Duration.ofSeconds(60);

    final HangingIdp idp;
    final BridgedGuard bridged;

    AgainstHangingIdp() {
        try {
            idp = new HangingIdp();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bridged = BridgedGuard.forLoopback(HangingIdp.TOKEN_PATH);
    }

    @AfterEach
    void stop() {
        bridged.close();
        idp.close();
    }
}
