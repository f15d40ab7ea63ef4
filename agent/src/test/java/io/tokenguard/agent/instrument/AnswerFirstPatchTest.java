package io.tokenguard.agent.instrument;

import static io.tokenguard.agent.instrument.PatchFixtures.FUNNEL;
import static io.tokenguard.agent.instrument.PatchFixtures.SLOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.hook.ClientHooks;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The "answer first, skip the original" patch alone (Byte Buddy's skipOn = OnNonDefaultValue), on a
 * ten-line fixture: the hook runs before the method's own code with its receiver and arguments, a
 * non-null answer is returned instead of running it, null runs it untouched, a fault in the hook is
 * counted and runs it, and a funnel that is not there is reported.
 */
class AnswerFirstPatchTest {
    private static final String DO_EXECUTE = "(Ljava/lang/String;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;";

    private final PatchFixtures.FaultRecorder bridge = new PatchFixtures.FaultRecorder();

    @AfterEach
    void uninstall() {
        ClientHooks.install(SLOT, HttpClientKind.APACHE4, false, null);
        bridge.close();
    }

    private static Object call(Object funnel, String target) throws Throwable {
        Method m = funnel.getClass().getMethod("doExecute", String.class, Object.class, Object.class);
        try {
            return m.invoke(funnel, target, "request", null);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Object newFunnel() throws Exception {
        return PatchFixtures.patched(new AnswerFirstPatch(FUNNEL, "doExecute", DO_EXECUTE, SLOT))
                .getConstructor().newInstance();
    }

    private static int originalRuns(Object funnel) throws Exception {
        return funnel.getClass().getField("originalRuns").getInt(funnel);
    }

    @Test
    void theHookRunsFirstAndANonNullAnswerSkipsTheOriginal() throws Throwable {
        List<Object> seen = new ArrayList<>();
        ClientHooks.install(SLOT, HttpClientKind.APACHE4, true, new ClientHooks.Hook() {
            @Override
            public Object enter(Object self, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5) {
                seen.addAll(Arrays.asList(self, a0, a1, a2, a3, a4, a5));
                return "token".equals(a0) ? "answered" : null;
            }
        });
        Object funnel = newFunnel();

        assertThat(call(funnel, "token")).isEqualTo("answered");
        assertThat(originalRuns(funnel)).isZero();
        assertThat(seen).containsExactly(funnel, "token", "request", null, null, null, null);

        assertThat(call(funnel, "other")).isEqualTo("original other");
        assertThat(originalRuns(funnel)).isEqualTo(1);
        assertThat(bridge.faults).isEmpty();
    }

    @Test
    void aTaggedFunnelTellsTheHookWhichItIs() throws Throwable {
        List<Object> seen = new ArrayList<>();
        ClientHooks.install(SLOT, HttpClientKind.APACHE4, true, new ClientHooks.Hook() {
            @Override
            public Object enter(Object self, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5) {
                seen.addAll(Arrays.asList(a0, a1, a2, a3, a4, a5));
                return "doExecute-tag".equals(a5) && "token".equals(a0) ? "answered" : null;
            }
        });
        Object funnel = PatchFixtures.patched(new AnswerFirstPatch(FUNNEL, "doExecute", DO_EXECUTE, SLOT, "doExecute-tag"))
                .getConstructor().newInstance();

        assertThat(call(funnel, "token")).isEqualTo("answered");
        assertThat(seen).containsExactly("token", "request", null, null, null, "doExecute-tag");
        assertThat(call(funnel, "other")).isEqualTo("original other");
        assertThat(originalRuns(funnel)).isEqualTo(1);
        assertThat(bridge.faults).isEmpty();
    }

    @Test
    void withoutAHookTheMethodIsUntouched() throws Throwable {
        Object funnel = newFunnel();
        assertThat(call(funnel, "token")).isEqualTo("original token");
        assertThat(originalRuns(funnel)).isEqualTo(1);
    }

    @Test
    void aHookThatBreaksIsCountedUnderItsClientAndTheMethodRuns() throws Throwable {
        ClientHooks.install(SLOT, HttpClientKind.APACHE4, false, new ClientHooks.Hook() {
            @Override
            public Object enter(Object self, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5)
                    throws IOException {
                if ("io".equals(a0)) {
                    throw new IOException("not the provider's: this funnel passes none");
                }
                throw new NoClassDefFoundError("adapter");
            }
        });
        Object funnel = newFunnel();
        assertThat(call(funnel, "token")).isEqualTo("original token");
        assertThat(call(funnel, "io")).isEqualTo("original io");
        assertThat(bridge.faults).containsExactly("apache4: NoClassDefFoundError", "apache4: IOException");
    }

    @Test
    void theProvidersIOExceptionReachesTheCallerWhereTheFunnelDeclaresIt() throws Throwable {
        ClientHooks.install(SLOT, HttpClientKind.APACHE4, true, new ClientHooks.Hook() {
            @Override
            public Object enter(Object self, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5)
                    throws IOException {
                throw new IOException("connection reset");
            }
        });
        Object funnel = newFunnel();
        assertThatThrownBy(() -> call(funnel, "token")).isInstanceOf(IOException.class).hasMessage("connection reset");
        assertThat(originalRuns(funnel)).isZero();
        assertThat(bridge.faults).isEmpty();
    }

    @Test
    void aFunnelThatIsNotThereIsReported() {
        AnswerFirstPatch renamed = new AnswerFirstPatch(FUNNEL, "execute", DO_EXECUTE, SLOT);
        assertThatThrownBy(() -> renamed.apply(PatchFixtures.classBytes(FUNNEL)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has no method to patch");
        AnswerFirstPatch retyped = new AnswerFirstPatch(FUNNEL, "doExecute",
                "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", SLOT);
        assertThatThrownBy(() -> retyped.apply(PatchFixtures.classBytes(FUNNEL)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has no method to patch");
    }

    @Test
    void onlyAFunnelOfReferencesCanAnswerFirst() {
        assertThatThrownBy(() -> new AnswerFirstPatch(FUNNEL, "doExecute", "(I)Ljava/lang/Object;", SLOT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnswerFirstPatch(FUNNEL, "doExecute", "(Ljava/lang/Object;)I", SLOT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aVoidFunnelIsSkippedOnAnyAnswerAndRunsOnNull() throws Throwable {
        ClientHooks.install(SLOT, HttpClientKind.APACHE4, false, new ClientHooks.Hook() {
            @Override
            public Object enter(Object self, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5) {
                @SuppressWarnings("unchecked")
                List<Object> listener = (List<Object>) a0;
                if (listener.contains("token")) {
                    listener.add("answered by the hook");
                    return Boolean.TRUE;
                }
                if (listener.contains("broken")) {
                    throw new IllegalStateException("adapter");
                }
                return null;
            }
        });
        Object funnel = PatchFixtures.patched(new AnswerFirstPatch(FUNNEL, "send", "(Ljava/util/List;)V", SLOT))
                .getConstructor().newInstance();
        Method send = funnel.getClass().getMethod("send", List.class);

        List<Object> token = new ArrayList<>(List.of("token"));
        send.invoke(funnel, token);
        assertThat(token).containsExactly("token", "answered by the hook");
        assertThat(originalRuns(funnel)).isZero();

        List<Object> other = new ArrayList<>(List.of("other"));
        send.invoke(funnel, other);
        assertThat(other).containsExactly("other", "original");
        List<Object> broken = new ArrayList<>(List.of("broken"));
        send.invoke(funnel, broken);
        assertThat(broken).containsExactly("broken", "original");
        assertThat(originalRuns(funnel)).isEqualTo(2);
        assertThat(bridge.faults).containsExactly("apache4: IllegalStateException");
    }
}
