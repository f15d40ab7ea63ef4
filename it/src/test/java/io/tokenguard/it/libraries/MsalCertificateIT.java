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
 * MSAL4J's certificate credential, careless (a new ConfidentialClientApplication for every call, so MSAL's
 * own cache never answers), against the emulated Entra-like provider behind HTTPS (issue 14). Each call
 * signs a new client assertion (x5c header, fresh jti); TokenGuard verifies it under its x5c certificate
 * and counts it by signer and claims: one upstream call for all.
 */
class MsalCertificateIT {
    private static final String LIBRARY = "msal4j-1.26.1";
    private static final int THREADS = 4;
    private static final int CALLS = 10;
    private static EmulatedIdp idp;
    @TempDir
    static Path tls;
    private static HttpsFront front;

    @TempDir
    Path dir;
    private Path credential;

    @BeforeAll
    static void start() throws Exception {
        idp = EmulatedIdp.start(IdpOptions.defaults());
        front = new HttpsFront(tls, idp.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (front != null) {
            front.close();
        }
        idp.close();
    }

    @BeforeEach
    void files() throws Exception {
        idp.reset();
        credential = Files.writeString(dir.resolve("app.json"), idp.entraCredentialFile(EmulatedIdp.ENTRA_APP));
    }

    private JavaProcess runner(Jdk jdk, int threads, int calls) throws Exception {
        return RunnerJvm.of(jdk, MsalCertificateRunner.class, LIBRARY)
                .property("javax.net.ssl.trustStore", front.trustStore.toString())
                .property("javax.net.ssl.trustStorePassword", HttpsFront.PASSWORD)
                .property("javax.net.ssl.trustStoreType", "PKCS12")
                .args(front.baseUrl() + "/sample-tenant/", credential.toString(), Integer.toString(threads),
                        Integer.toString(calls));
    }

    /** Kept within the provider's per-app quota of 10 a minute. */
    @Test
    void withoutTheAgentEveryCarelessCallReachesTheProvider() throws Exception {
        JavaProcess.Result run = runner(Jdk.all().get(0), 2, 4).run();
        String line = RunnerJvm.caseLine(run);
        assertThat(line).as(run.toString()).isEqualTo("case msal ok=8 tokens=8");
        assertThat(idp.tokenCalls("entra", EmulatedIdp.ENTRA_APP)).as(line).isEqualTo(8);
    }

    @Test
    void withTheAgentAllCarelessCallsShareOneUpstreamCallOnEveryJdk() throws Exception {
        for (Jdk jdk : Jdk.all()) {
            idp.reset();
            JavaProcess.Result run = runner(jdk, THREADS, CALLS).withAgent()
                    .property("tokenguard.endpoints.entra.url", "https://127.0.0.1:*" + EmulatedIdp.ENTRA_TOKEN_PATH)
                    .run();
            String line = RunnerJvm.caseLine(run);
            assertThat(line).as(run.toString()).isEqualTo("case msal ok=" + THREADS * CALLS + " tokens=1");
            assertThat(idp.tokenCalls("entra", EmulatedIdp.ENTRA_APP)).as("%s %s", jdk, run).isEqualTo(1);
            assertThat(run.stderr).contains("tokenguard: guarding").doesNotContain("internal fault");
        }
    }
}
