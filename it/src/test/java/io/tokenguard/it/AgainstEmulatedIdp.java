package io.tokenguard.it;

import io.tokenguard.sample.idp.EmulatedIdp;
import io.tokenguard.sample.idp.IdpOptions;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** Black-box tests whose child JVMs talk to one emulated IdP in this JVM, reset before each test. */
abstract class AgainstEmulatedIdp {
    static EmulatedIdp idp;

    @BeforeAll
    static void startIdp() {
        idp = EmulatedIdp.start(IdpOptions.defaults());
    }

    @AfterAll
    static void stopIdp() {
        if (idp != null) {
            idp.close();
        }
    }

    @BeforeEach
    void resetIdp() {
        idp.reset();
    }

    static Stream<Jdk> jdks() {
        return Jdk.all().stream();
    }

    /** The sample app in a child JVM with the agent, its eloqua and twitter rules on this IdP. */
    static JavaProcess guardedApp(Jdk jdk) {
        return JavaProcess.on(jdk).withAgent().guardingLoopbackIdp().args("--idp", idp.baseUrl());
    }
}
