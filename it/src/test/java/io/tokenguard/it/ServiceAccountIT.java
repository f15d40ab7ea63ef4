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
 * Careless service accounts against the emulated Google-like provider (issue 14): the sample app signs a
 * fresh jwt-bearer assertion (new iat and jti, kid only) for every token request, as a JWT library that
 * adds a jti writes it, and posts it to its key file's token_uri. With the accounts' published keys as
 * the endpoint's {@code assertion-keys}, TokenGuard verifies each assertion and counts it by its signer
 * and claims: one upstream call per account. Without them, nothing verifies and every one-time assertion
 * reaches the provider, as before.
 */
class ServiceAccountIT extends AgainstEmulatedIdp {
    private static final String REPORTING = EmulatedIdp.SERVICE_ACCOUNT;
    private static final String BILLING = EmulatedIdp.OTHER_SERVICE_ACCOUNT;
    private static final int THREADS = 8;
    private static final int ITERATIONS = 5;
    private static final int REQUESTS = THREADS * ITERATIONS;

    @TempDir
    Path dir;
    private Path reportingKey;
    private Path billingKey;
    private String publishedKeys;

    @BeforeEach
    void keyFiles() throws Exception {
        reportingKey = Files.writeString(dir.resolve("reporting.json"), idp.serviceAccountKeyFile(REPORTING));
        billingKey = Files.writeString(dir.resolve("billing.json"), idp.serviceAccountKeyFile(BILLING));
        Path reportingJwks = Files.writeString(dir.resolve("reporting-jwks.json"), idp.serviceAccountJwks(REPORTING));
        Path billingJwks = Files.writeString(dir.resolve("billing-jwks.json"), idp.serviceAccountJwks(BILLING));
        publishedKeys = reportingJwks + "," + billingJwks;
    }

    private static JavaProcess app(Jdk jdk) {
        return guardedApp(jdk).property("tokenguard.endpoints.google.url", "http://127.0.0.1:*"
                + EmulatedIdp.GOOGLE_TOKEN_PATH).args("--provider", "google", "--threads", Integer.toString(THREADS),
                "--iterations", Integer.toString(ITERATIONS), "--quiet");
    }

    @Test
    void freshAssertionsOfTwoServiceAccountsMakeOneCallEachOnEveryJdk() throws Exception {
        for (Jdk jdk : Jdk.all()) {
            idp.reset();
            JavaProcess.Result run = app(jdk).property("tokenguard.endpoints.google.assertion-keys", publishedKeys)
                    .args("--service-account-key", reportingKey + "," + billingKey).run();
            SampleResult result = run.sample();
            assertThat(run.exitCode).as(run.toString()).isZero();
            assertThat(result.agentAttached()).isTrue();
            for (String account : List.of(REPORTING, BILLING)) {
                SampleResult.Row row = result.row("google", account);
                assertThat(row.asked()).isEqualTo(REQUESTS);
                assertThat(row.status(200)).as("%s %s", jdk, row).isEqualTo(REQUESTS);
                assertThat(row.distinctTokens()).isEqualTo(1);
                assertThat(row.apiOk()).as("the token works at the API").isEqualTo(REQUESTS);
                assertThat(row.apiUsers()).containsOnly(account);
                assertThat(idp.tokenCalls("google", account)).as("%s %s", jdk, run).isEqualTo(1);
            }
            SummaryRow google = run.summary("google");
            assertThat(google.get("requests")).isEqualTo(2L * REQUESTS);
            assertThat(google.get("upstream")).isEqualTo(2);
        }
    }

    @Test
    void withoutThePublishedKeysEveryOneTimeAssertionReachesTheProvider() throws Exception {
        JavaProcess.Result run = app(Jdk.all().get(0)).args("--service-account-key", reportingKey.toString()).run();
        SampleResult.Row row = run.sample().row("google", REPORTING);
        // kid only: nothing to verify it under, so each assertion is its exact bytes, and one-time (its jti).
        assertThat(row.asked()).isEqualTo(REQUESTS);
        assertThat(row.status(200)).as(row.toString()).isEqualTo(10);
        assertThat(row.status(429)).as("Google's per-account quota, then TokenGuard's cooldown for it")
                .isEqualTo(REQUESTS - 10);
        // Every request up to the quota, and the first refused ones in flight alongside; then the cooldown.
        assertThat(idp.tokenCalls("google", REPORTING)).as(run.toString()).isBetween(11, 10 + THREADS);
    }

    @Test
    void oneServiceAccountsRateLimitHoldsThatAccountOnly() throws Exception {
        idp.exhaustGoogleQuotaFromNextCallFor(REPORTING, Duration.ofMinutes(1));
        JavaProcess.Result run = app(Jdk.all().get(0)).property("tokenguard.endpoints.google.assertion-keys",
                publishedKeys).args("--service-account-key", reportingKey + "," + billingKey).run();
        SampleResult result = run.sample();
        SampleResult.Row reporting = result.row("google", REPORTING);
        SampleResult.Row billing = result.row("google", BILLING);
        assertThat(reporting.status(429)).as(reporting.toString()).isEqualTo(REQUESTS);
        assertThat(idp.tokenCalls("google", REPORTING)).as("one call, then its cooldown; %s", run).isEqualTo(1);
        assertThat(billing.status(200)).as(billing.toString()).isEqualTo(REQUESTS);
        assertThat(idp.tokenCalls("google", BILLING)).isEqualTo(1);
    }

    @Test
    void anAssertionSignedWithAnotherKeyForTheSameAccountIsNeverServedItsToken() throws Exception {
        Path forged = Files.writeString(dir.resolve("forged.json"), forgedKeyFile(idp.serviceAccountKeyFile(REPORTING)));
        String rounds = "--service-account-key " + reportingKey + "\n--service-account-key " + forged + "\nquit\n";
        JavaProcess.Result run = app(Jdk.all().get(0)).property("tokenguard.endpoints.google.assertion-keys",
                publishedKeys).args("--service-account-key", reportingKey.toString(), "--rounds-from-stdin")
                .stdin(rounds).run();
        List<SampleResult> results = new ArrayList<>();
        for (String line : run.stdout.split("\n")) {
            if (line.startsWith("SAMPLE-ROUND ")) {
                results.add(SampleResult.parse(line.substring("SAMPLE-ROUND ".length())));
            }
        }
        assertThat(results).as(run.toString()).hasSize(2);
        SampleResult.Row real = results.get(0).row("google", REPORTING);
        SampleResult.Row forger = results.get(1).row("google", REPORTING);
        assertThat(real.status(200)).isEqualTo(REQUESTS);
        assertThat(real.idpCalls()).isEqualTo(1);
        // The same claims, the same kid, another key: not the account's, so never its cached token.
        assertThat(forger.status(200)).as(forger.toString()).isZero();
        assertThat(forger.status(400)).isEqualTo(REQUESTS);
        assertThat(forger.idpCalls()).as("each forged assertion reached the provider and got its refusal")
                .isEqualTo(REQUESTS);
        assertThat(idp.statusCount("google", 400)).isEqualTo(REQUESTS);
    }

    /** The account's key file with another private key in it: same email, same key id. */
    private static String forgedKeyFile(String real) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\\n" + Base64.getEncoder().encodeToString(
                g.generateKeyPair().getPrivate().getEncoded()) + "\\n-----END PRIVATE KEY-----\\n";
        return real.replaceFirst("\"private_key\":\"[^\"]*\"", "\"private_key\":\"" + pem.replace("\\", "\\\\") + "\"");
    }
}
