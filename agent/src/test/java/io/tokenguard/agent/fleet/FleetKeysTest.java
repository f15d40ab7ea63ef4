package io.tokenguard.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.config.FleetKeyRing;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** One secret, separate keys; the ring seals with its first key and opens with any; nothing else opens. */
class FleetKeysTest {
    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private static final byte[] AAD = "tg:ns:a:fingerprint".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PLAIN = "{\"access_token\":\"secret-token\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void purposesGetDifferentKeysAndJvmsWithTheSameRingAgree() {
        byte[] a = key();
        FleetKeys one = FleetKeys.derive(FleetKeyRing.of(a), "app");
        FleetKeys two = FleetKeys.derive(FleetKeyRing.of(a), "app");
        assertThat(one.identitySecret()).isEqualTo(two.identitySecret()).isNotEqualTo(a).hasSize(32);
        assertThat(one.namespace()).isEqualTo(two.namespace()).startsWith("tg:").doesNotContain("app");
        assertThat(FleetKeys.derive(FleetKeyRing.of(a), "other app").namespace()).isNotEqualTo(one.namespace());
        assertThat(FleetKeys.derive(FleetKeyRing.of(key()), "app").identitySecret())
                .isNotEqualTo(one.identitySecret());
        assertThat(two.cipher().open(AAD, one.cipher().seal(AAD, PLAIN))).isEqualTo(PLAIN);
    }

    @Test
    void aSealedValueHoldsNoPlaintextAndOpensOnlyUnderItsKeyName() {
        FleetCipher c = FleetKeys.derive(FleetKeyRing.of(key()), "app").cipher();
        byte[] sealed = c.seal(AAD, PLAIN);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("secret-token");
        assertThat(sealed[0]).isEqualTo(FleetCipher.VERSION);
        assertThat(c.open("tg:ns:a:other".getBytes(StandardCharsets.UTF_8), sealed)).isNull();
        byte[] flipped = sealed.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThat(c.open(AAD, flipped)).as("tampered").isNull();
        assertThat(c.open(AAD, new byte[] {1, 2, 3})).as("truncated").isNull();
        assertThat(c.open(AAD, "garbage that is long enough to look like a value".getBytes(StandardCharsets.UTF_8)))
                .isNull();
    }

    @Test
    void aRotatedRingOpensOldValuesKeepsItsIdentityAndAnotherKeyOpensNothing() {
        byte[] old = key();
        byte[] fresh = key();
        FleetKeys before = FleetKeys.derive(FleetKeyRing.of(old), "app");
        FleetKeys rotated = FleetKeys.derive(FleetKeyRing.of(fresh, old), "app");
        byte[] sealedBefore = before.cipher().seal(AAD, PLAIN);
        assertThat(rotated.cipher().open(AAD, sealedBefore)).isEqualTo(PLAIN);
        assertThat(rotated.identitySecret()).as("the last key anchors the hashes").isEqualTo(before.identitySecret());
        assertThat(rotated.namespace()).isEqualTo(before.namespace());
        byte[] sealedAfter = rotated.cipher().seal(AAD, PLAIN);
        assertThat(before.cipher().open(AAD, sealedAfter)).as("sealed with the new key").isNull();
        assertThat(FleetKeys.derive(FleetKeyRing.of(key()), "app").cipher().open(AAD, sealedBefore)).isNull();
    }
}
