package io.tokenguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.sample.idp.EmulatedIdp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate credentials (private_key_jwt with x5c, as MSAL sends them) against the emulated Entra-like
 * provider, and DPoP-bound tokens against the emulated DPoP endpoint (issue 14). The sample app signs a
 * fresh client assertion, or a fresh DPoP proof, for every token request. Both providers verify what they
 * get; the DPoP endpoint refuses a proof it has seen before, so a replayed proof would show as a 400.
 */
class CertificateAndDpopIT extends AgainstEmulatedIdp {
    private static final String APP = EmulatedIdp.ENTRA_APP;
    private static final String OTHER_APP = EmulatedIdp.OTHER_ENTRA_APP;
    private static final int THREADS = 8;
    private static final int ITERATIONS = 5;
    private static final int REQUESTS = THREADS * ITERATIONS;

    @TempDir
    Path dir;
    private Path app;
    private Path otherApp;

    @BeforeEach
    void credentialFiles() throws Exception {
        app = Files.writeString(dir.resolve("app.json"), idp.entraCredentialFile(APP));
        otherApp = Files.writeString(dir.resolve("other-app.json"), idp.entraCredentialFile(OTHER_APP));
    }

    private static JavaProcess entra(Jdk jdk) {
        return guardedApp(jdk).property("tokenguard.endpoints.entra.url", "http://127.0.0.1:*"
                + EmulatedIdp.ENTRA_TOKEN_PATH).args("--provider", "entra", "--threads", Integer.toString(THREADS),
                "--iterations", Integer.toString(ITERATIONS), "--quiet");
    }

    @Test
    void freshClientAssertionsOfTwoAppsMakeOneCallEach() throws Exception {
        JavaProcess.Result run = entra(Jdk.all().get(0)).args("--entra-credential", app + "," + otherApp).run();
        SampleResult result = run.sample();
        assertThat(run.exitCode).as(run.toString()).isZero();
        for (String client : List.of(APP, OTHER_APP)) {
            SampleResult.Row row = result.row("entra", client);
            assertThat(row.status(200)).as(row.toString()).isEqualTo(REQUESTS);
            assertThat(row.distinctTokens()).isEqualTo(1);
            assertThat(row.apiOk()).isEqualTo(REQUESTS);
            assertThat(idp.tokenCalls("entra", client)).as(run.toString()).isEqualTo(1);
        }
    }

    @Test
    void oneAppsThrottlingHoldsThatAppOnly() throws Exception {
        idp.throttleEntraAppFromNextCallFor(APP, Duration.ofMinutes(1));
        JavaProcess.Result run = entra(Jdk.all().get(0)).args("--entra-credential", app + "," + otherApp).run();
        SampleResult result = run.sample();
        assertThat(result.row("entra", APP).status(429)).as(run.toString()).isEqualTo(REQUESTS);
        assertThat(idp.tokenCalls("entra", APP)).as("one call, then its cooldown; %s", run).isEqualTo(1);
        assertThat(result.row("entra", OTHER_APP).status(200)).isEqualTo(REQUESTS);
        assertThat(idp.tokenCalls("entra", OTHER_APP)).isEqualTo(1);
    }

    @Test
    void anAssertionSignedWithAnotherKeyUnderTheAppsCertificateIsNeverServedItsToken() throws Exception {
        // The app's client id and x5c certificate, another private key: an x5c that does not match the signature.
        Path forged = Files.writeString(dir.resolve("forged.json"), withOtherPrivateKey(idp.entraCredentialFile(APP)));
        String rounds = "--entra-credential " + app + "\n--entra-credential " + forged + "\nquit\n";
        JavaProcess.Result run = entra(Jdk.all().get(0)).args("--entra-credential", app.toString(),
                "--rounds-from-stdin").stdin(rounds).run();
        List<SampleResult> results = rounds(run);
        assertThat(results).as(run.toString()).hasSize(2);
        SampleResult.Row real = results.get(0).row("entra", APP);
        SampleResult.Row forger = results.get(1).row("entra", APP);
        assertThat(real.status(200)).isEqualTo(REQUESTS);
        assertThat(real.idpCalls()).isEqualTo(1);
        assertThat(forger.status(200)).as(forger.toString()).isZero();
        assertThat(forger.status(401)).isEqualTo(REQUESTS);
        assertThat(forger.idpCalls()).as("each forged assertion reached the provider").isEqualTo(REQUESTS);
    }

    @Test
    void dpopProofsOfOneKeyShareItsTokenAndAnotherKeyNeverGetsIt() throws Exception {
        JavaProcess.Result run = guardedApp(Jdk.all().get(0))
                .property("tokenguard.endpoints.dpop.url", "http://127.0.0.1:*" + EmulatedIdp.DPOP_TOKEN_PATH)
                .args("--provider", "dpop", "--dpop-keys", "2", "--threads", Integer.toString(THREADS),
                        "--iterations", Integer.toString(ITERATIONS), "--quiet").run();
        SampleResult result = run.sample();
        assertThat(run.exitCode).as(run.toString()).isZero();
        List<SampleResult.Row> rows = new ArrayList<>();
        for (SampleResult.Row row : result.rows()) {
            if (row.provider().equals("dpop")) {
                rows.add(row);
            }
        }
        assertThat(rows).hasSize(2);
        for (SampleResult.Row row : rows) {
            assertThat(row.status(200)).as(row.toString()).isEqualTo(REQUESTS);
            assertThat(row.distinctTokens()).isEqualTo(1);
            assertThat(idp.tokenCalls("dpop", row.identity())).as("key %s; %s", row.identity(), run).isEqualTo(1);
        }
        assertThat(rows.get(0).tokens()).doesNotContainAnyElementsOf(rows.get(1).tokens());
        assertThat(idp.statusCount("dpop", 400)).as("no proof was replayed").isZero();
    }

    private static List<SampleResult> rounds(JavaProcess.Result run) {
        List<SampleResult> results = new ArrayList<>();
        for (String line : run.stdout.split("\n")) {
            if (line.startsWith("SAMPLE-ROUND ")) {
                results.add(SampleResult.parse(line.substring("SAMPLE-ROUND ".length())));
            }
        }
        return results;
    }

    private static String withOtherPrivateKey(String real) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\\n" + Base64.getEncoder().encodeToString(
                g.generateKeyPair().getPrivate().getEncoded()) + "\\n-----END PRIVATE KEY-----\\n";
        return real.replaceFirst("\"private_key\":\"[^\"]*\"", "\"private_key\":\"" + pem.replace("\\", "\\\\") + "\"");
    }
}
