package io.tokenguard.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AppOptionsTest {
    @Test
    void defaults() {
        AppOptions o = AppOptions.parse(new String[0]);
        assertThat(o.idp).isNull();
        assertThat(o.providers).containsExactly("eloqua", "twitter");
        assertThat(o.threads).isEqualTo(8);
        assertThat(o.iterations).isEqualTo(25);
        assertThat(o.users).containsExactly("alice", "bob");
        assertThat(o.api).isTrue();
        assertThat(o.rounds).isEqualTo(1);
        assertThat(o.roundGapMillis).isZero();
        assertThat(o.consumer).isEqualTo("sample-consumer");
        assertThat(o.passwordOf("alice")).isEqualTo("alice-pw");
    }

    @Test
    void bothSpellingsOfValues() {
        AppOptions o = AppOptions.parse(new String[] {"--idp=http://127.0.0.1:1/", "--provider", "twitter",
            "--users", "bob, carol", "--password-of", "bob=x=y", "--api=false", "--quiet", "--round-gap-ms", "5"});
        assertThat(o.idp).isEqualTo("http://127.0.0.1:1");
        assertThat(o.providers).isEqualTo(List.of("twitter"));
        assertThat(o.users).containsExactly("bob", "carol");
        assertThat(o.passwordOf("bob")).isEqualTo("x=y");
        assertThat(o.api).isFalse();
        assertThat(o.quiet).isTrue();
        assertThat(o.roundGapMillis).isEqualTo(5);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> AppOptions.parse(new String[] {"--threads", "0"})).hasMessageContaining("--threads");
        assertThatThrownBy(() -> AppOptions.parse(new String[] {"--iterations"})).hasMessageContaining("missing");
        assertThatThrownBy(() -> AppOptions.parse(new String[] {"--nope", "1"})).hasMessageContaining("unknown");
        assertThatThrownBy(() -> AppOptions.parse(new String[] {"--api", "yes"})).hasMessageContaining("true or false");
    }

    @Test
    void severalClientsMeanOneRoundEach() {
        AppOptions one = AppOptions.parse(new String[0]);
        assertThat(one.clientOf(1)).isEqualTo("urlconnection");
        AppOptions o = AppOptions.parse(new String[] {"--client", "urlconnection,okhttp,apache5"});
        assertThat(o.rounds).isEqualTo(3);
        assertThat(o.clientOf(1)).isEqualTo("urlconnection");
        assertThat(o.clientOf(3)).isEqualTo("apache5");
        assertThatThrownBy(() -> AppOptions.parse(new String[] {"--client", "okhttp,curl"}))
                .hasMessageContaining("curl");
        assertThatThrownBy(() -> AppOptions.parse(new String[] {"--client", "okhttp,apache4", "--rounds", "3"}))
                .hasMessageContaining("--rounds");
    }
}
