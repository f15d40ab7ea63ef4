package io.tokenguard.it.libraries;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.it.JavaProcess;
import io.tokenguard.it.Jdk;
import io.tokenguard.it.reactive.RunnerJvm;
import io.tokenguard.sample.idp.EmulatedIdp;
import io.tokenguard.sample.idp.IdpOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * google-auth-library's ServiceAccountCredentials, careless (new credentials for every call), against the
 * emulated Google-like provider (issue 14). Its assertions carry no jti and an iat in whole seconds, so
 * as exact bytes they repeat only within one second; verified under the account's published key, every
 * one of them is the same request: one upstream call for all.
 */
class GoogleAuthLibraryIT {
    private static final String LIBRARY = "google-auth-1.58.0";
    private static final int THREADS = 4;
    private static final int CALLS = 10;
    private static EmulatedIdp idp;

    @TempDir
    Path dir;
    private Path keyFile;
    private Path jwks;

    @BeforeAll
    static void startIdp() {
        idp = EmulatedIdp.start(IdpOptions.defaults());
    }

    @AfterAll
    static void stopIdp() {
        idp.close();
    }

    @BeforeEach
    void files() throws Exception {
        idp.reset();
        keyFile = Files.writeString(dir.resolve("sa.json"), idp.serviceAccountKeyFile(EmulatedIdp.SERVICE_ACCOUNT));
        jwks = Files.writeString(dir.resolve("jwks.json"), idp.serviceAccountJwks(EmulatedIdp.SERVICE_ACCOUNT));
    }

    private JavaProcess runner(Jdk jdk, int threads, int calls) throws Exception {
        return RunnerJvm.of(jdk, GoogleAuthRunner.class, LIBRARY)
                .args(keyFile.toString(), Integer.toString(threads), Integer.toString(calls));
    }

    /**
     * Kept within the provider's quota of 10 a minute: past it, the library retries each 429 three times
     * with back-off (a minute of waiting for nothing this test needs).
     */
    @Test
    void withoutTheAgentEveryCarelessCallReachesTheProvider() throws Exception {
        JavaProcess.Result run = runner(Jdk.all().get(0), 2, 4).run();
        String line = RunnerJvm.caseLine(run);
        assertThat(line).as(run.toString()).isEqualTo("case google-auth ok=8 tokens=8");
        assertThat(idp.tokenCalls("google", EmulatedIdp.SERVICE_ACCOUNT)).as(line).isEqualTo(8);
    }

    @Test
    void withThePublishedKeyAllCarelessCallsShareOneUpstreamCallOnEveryJdk() throws Exception {
        for (Jdk jdk : Jdk.all()) {
            idp.reset();
            JavaProcess.Result run = runner(jdk, THREADS, CALLS).withAgent()
                    .property("tokenguard.endpoints.google.url", "http://127.0.0.1:*" + EmulatedIdp.GOOGLE_TOKEN_PATH)
                    .property("tokenguard.endpoints.google.assertion-keys", jwks.toString()).run();
            String line = RunnerJvm.caseLine(run);
            assertThat(line).as(run.toString()).isEqualTo("case google-auth ok=" + THREADS * CALLS + " tokens=1");
            assertThat(idp.tokenCalls("google", EmulatedIdp.SERVICE_ACCOUNT)).as("%s %s", jdk, run).isEqualTo(1);
            assertThat(run.stderr).contains("tokenguard: guarding").doesNotContain("internal fault");
        }
    }
}
