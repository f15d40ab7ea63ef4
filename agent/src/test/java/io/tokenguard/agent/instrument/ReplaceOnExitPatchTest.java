package io.tokenguard.agent.instrument;

import static io.tokenguard.agent.instrument.PatchFixtures.FUNNEL;
import static io.tokenguard.agent.instrument.PatchFixtures.SLOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.hook.ClientHooks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The "replace on exit" patch alone (Byte Buddy's exit advice writing @Return / @FieldValue with
 * readOnly = false), on a ten-line fixture: the hook sees what the method produced and what it hands on
 * replaces it; a hook that breaks is counted and the method's own value goes on; a funnel that is not
 * there is reported.
 */
class ReplaceOnExitPatchTest {
    private final PatchFixtures.FaultRecorder bridge = new PatchFixtures.FaultRecorder();

    @AfterEach
    void uninstall() {
        ClientHooks.install(SLOT, HttpClientKind.OKHTTP, false, null);
        bridge.close();
    }

    @Test
    void everyOverloadHandsOnWhatTheHookReturns() throws Exception {
        List<Object> seen = new ArrayList<>();
        ClientHooks.install(SLOT, HttpClientKind.URLCONNECTION, false, new ClientHooks.Hook() {
            @Override
            public Object exit(Object self, Object value, Object a0) {
                seen.addAll(Arrays.asList(self, value, a0));
                return "wrapped " + value;
            }
        });
        Class<?> patched = PatchFixtures.patched(ReplaceOnExitPatch.returnValue(FUNNEL, "openConnection",
                "Ljava/lang/Object;", SLOT));
        Object funnel = patched.getConstructor().newInstance();

        assertThat(patched.getMethod("openConnection").invoke(funnel)).isEqualTo("wrapped connection");
        assertThat(patched.getMethod("openConnection", String.class).invoke(funnel, "proxy"))
                .isEqualTo("wrapped connection via proxy");
        assertThat(seen).containsExactly(funnel, "connection", null, funnel, "connection via proxy", null);
    }

    @Test
    void theConstructorEndsWithItsFieldReplacedAndTheHookGetsItsArgument() throws Exception {
        ClientHooks.install(SLOT, HttpClientKind.OKHTTP, false, new ClientHooks.Hook() {
            @Override
            public Object exit(Object self, Object value, Object builder) {
                return value + ", then the guard's (from " + builder + ")";
            }
        });
        Class<?> patched = PatchFixtures.patched(ReplaceOnExitPatch.field(FUNNEL, "<init>", "(Ljava/lang/String;)V",
                "interceptors", "Ljava/lang/Object;", 1, SLOT));

        Object built = patched.getConstructor(String.class).newInstance("b");
        assertThat(patched.getField("interceptors").get(built)).isEqualTo("built by b, then the guard's (from b)");
        // The other constructor is not the funnel: untouched.
        Object plain = patched.getConstructor().newInstance();
        assertThat(patched.getField("interceptors").get(plain)).isEqualTo("the client's own");
    }

    @Test
    void aHookThatBreaksLeavesTheMethodsOwnValue() throws Exception {
        ClientHooks.install(SLOT, HttpClientKind.OKHTTP, false, new ClientHooks.Hook() {
            @Override
            public Object exit(Object self, Object value, Object a0) {
                throw new IllegalStateException("broken adapter");
            }
        });
        Class<?> patched = PatchFixtures.patched(ReplaceOnExitPatch.field(FUNNEL, "<init>", "(Ljava/lang/String;)V",
                "interceptors", "Ljava/lang/Object;", 1, SLOT));
        Object built = patched.getConstructor(String.class).newInstance("b");
        assertThat(patched.getField("interceptors").get(built)).isEqualTo("built by b");
        assertThat(bridge.faults).containsExactly("okhttp: IllegalStateException");
    }

    @Test
    void aFunnelThatIsNotThereIsReported() {
        byte[] fixture = PatchFixtures.classBytes(FUNNEL);
        assertThatThrownBy(() -> ReplaceOnExitPatch.returnValue(FUNNEL, "openConnection", "Ljava/net/URLConnection;",
                SLOT).apply(fixture)).isInstanceOf(IllegalStateException.class).hasMessageContaining("has no method");
        assertThatThrownBy(() -> ReplaceOnExitPatch.field(FUNNEL, "<init>", "(Ljava/lang/Object;)V", "interceptors",
                "Ljava/lang/Object;", 1, SLOT).apply(fixture)).isInstanceOf(IllegalStateException.class);
    }
}
