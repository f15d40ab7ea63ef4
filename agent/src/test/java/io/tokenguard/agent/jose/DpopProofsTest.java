package io.tokenguard.agent.jose;

import static io.tokenguard.agent.jose.TestJwts.jwk;
import static io.tokenguard.agent.jose.TestJwts.sign;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** A DPoP proof reads as its key only when it is a proof of this very request, signed by that key. */
class DpopProofsTest {
    private static final long NOW = 1_800_000_000L;
    private static final long WINDOW = 300;
    private static final String URL = "https://as.example/token";
    private static final Predicate<String> THIS_URL = URL::equals;
    private static final KeyPair CLIENT = TestJwts.ec("secp256r1");
    private static final KeyPair OTHER = TestJwts.ec("secp256r1");

    static String proof(KeyPair keys, String typ, String htm, String htu, long iat) {
        return sign("ES256", keys.getPrivate(), "{\"typ\":\"" + typ + "\",\"alg\":\"ES256\",\"jwk\":"
                + jwk(keys.getPublic()) + "}", "{\"jti\":\"" + UUID.randomUUID() + "\",\"htm\":\"" + htm
                + "\",\"htu\":\"" + htu + "\",\"iat\":" + iat + "}");
    }

    private static VerifiedJwt read(String proof) {
        return DpopProofs.verified(proof, "POST", THIS_URL, NOW, WINDOW);
    }

    @Test
    void proofsOfOneKeyReadTheSameAndOfAnotherKeyDifferently() {
        VerifiedJwt a = read(proof(CLIENT, "dpop+jwt", "POST", URL, NOW));
        VerifiedJwt b = read(proof(CLIENT, "dpop+jwt", "POST", URL, NOW - 30));
        VerifiedJwt other = read(proof(OTHER, "dpop+jwt", "POST", URL, NOW));
        assertThat(a.identity()).isEqualTo(b.identity()).contains("jkt=" + KeyThumbprint.of(CLIENT.getPublic()));
        assertThat(other.identity()).isNotEqualTo(a.identity());
        assertThat(a.expiresAtSeconds()).isEqualTo(NOW + WINDOW);
    }

    @Test
    void aProofOfAnotherRequestOrTimeOrShapeIsNotRead() {
        assertThat(read(proof(CLIENT, "JWT", "POST", URL, NOW))).isNull();
        assertThat(read(proof(CLIENT, "dpop+jwt", "GET", URL, NOW))).isNull();
        assertThat(read(proof(CLIENT, "dpop+jwt", "POST", "https://as.example/other", NOW))).isNull();
        assertThat(read(proof(CLIENT, "dpop+jwt", "POST", URL, NOW - WINDOW - 1))).isNull();
        assertThat(read(proof(CLIENT, "dpop+jwt", "POST", URL, NOW + WINDOW + 1))).isNull();
        // The header's key is another's: the signature does not verify under it.
        String foreign = sign("ES256", OTHER.getPrivate(), "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":"
                + jwk(CLIENT.getPublic()) + "}", "{\"jti\":\"j\",\"htm\":\"POST\",\"htu\":\"" + URL + "\",\"iat\":"
                + NOW + "}");
        assertThat(read(foreign)).isNull();
        // No jti; a jwk carrying a private part; HMAC.
        assertThat(read(sign("ES256", CLIENT.getPrivate(), "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":"
                + jwk(CLIENT.getPublic()) + "}", "{\"htm\":\"POST\",\"htu\":\"" + URL + "\",\"iat\":" + NOW + "}")))
                .isNull();
        assertThat(read(sign("ES256", CLIENT.getPrivate(), "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":"
                + jwk(CLIENT.getPublic()).replace("}", ",\"d\":\"AAAA\"}") + "}", "{\"jti\":\"j\",\"htm\":\"POST\","
                + "\"htu\":\"" + URL + "\",\"iat\":" + NOW + "}"))).isNull();
        assertThat(read(TestJwts.b64("{\"typ\":\"dpop+jwt\",\"alg\":\"HS256\"}") + "." + TestJwts.b64("{}") + ".c2ln"))
                .isNull();
        assertThat(read("not a proof")).isNull();
    }
}
