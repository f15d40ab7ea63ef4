package io.tokenguard.sample.idp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    @Test
    void serverThreadsAreDaemonsAndCloseFreesThePort() {
        EmulatedIdp idp = EmulatedIdp.start();
        try {
            Http.get(idp.baseUrl() + "/api/echo");
            assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(t -> t.getName().startsWith("HTTP-Dispatcher") || t.getName().startsWith("emulated-idp-"))
                    .isNotEmpty()
                    .allMatch(Thread::isDaemon);
        } finally {
            idp.close();
        }
        idp.close();
        boolean refused;
        try {
            new Socket("127.0.0.1", idp.port()).close();
            refused = false;
        } catch (IOException e) {
            refused = true;
        }
        assertThat(refused).isTrue();
    }
}
