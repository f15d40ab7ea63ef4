package io.tokenguard.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.hook.ClientHooks;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of registered clients against the real libraries on the test class path (OkHttp 3.14,
 * HttpClient 4.5 and 5.4, the JDK's own classes): every row's patches find their funnel and the patched
 * class still verifies, names are unique, every adapter below the app is a hook with a public
 * constructor, and a funnel that declares IOException passes the provider's on.
 */
class ClientsTest {
    static List<ClientInstrumentation> clients() {
        return Clients.ALL;
    }

    @Test
    void namesAreUniqueAndEveryClientHasASlot() {
        Set<String> names = new HashSet<>(Arrays.asList(Clients.names()));
        assertThat(names).hasSize(Clients.ALL.size());
        assertThat(Clients.ALL.size()).isLessThanOrEqualTo(ClientHooks.SLOTS);
        // Every name is its client's tag, or the tag and a variant.
        for (ClientInstrumentation c : Clients.ALL) {
            assertThat(c.name()).as(c.name()).matches(java.util.regex.Pattern.quote(c.kind().tag()) + "(-[a-z0-9]+)*");
        }
        // Every client library has at least one row.
        Set<HttpClientKind> kinds = new HashSet<>();
        Clients.ALL.forEach(c -> kinds.add(c.kind()));
        assertThat(kinds).containsExactlyInAnyOrder(HttpClientKind.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clients")
    void everyPatchFindsItsFunnelInTheRealClass(ClientInstrumentation client) {
        List<ClassPatch> patches = client.patches(0);
        assertThat(patches).isNotEmpty();
        for (ClassPatch patch : patches) {
            byte[] original = PatchFixtures.classBytes(patch.className());
            byte[] patched = patch.apply(original);
            assertThat(patched).as(patch.toString()).isNotEqualTo(original);
            // Parses back with its frames: the inserted branch carries one of its own.
            new ClassReader(patched).accept(new ClassVisitor(Opcodes.ASM9) {
            }, ClassReader.EXPAND_FRAMES);
        }
        // Several funnels in one class (Reactor Netty's five) are patched in turn, as the transformer does.
        java.util.Map<String, byte[]> chained = new java.util.HashMap<>();
        for (ClassPatch patch : patches) {
            byte[] before = chained.computeIfAbsent(patch.className(), PatchFixtures::classBytes);
            byte[] after = patch.apply(before);
            assertThat(after).as("chained " + patch).isNotEqualTo(before);
            chained.put(patch.className(), after);
        }
        chained.values().forEach(bytes -> new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
        }, ClassReader.EXPAND_FRAMES));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clients")
    void anAdapterBelowTheAppIsAHookWithAPublicConstructor(ClientInstrumentation client) throws Exception {
        if (client.adapterBelowApp() == null) {
            assertThat(client.hook(null)).isNotNull();
            return;
        }
        Class<?> adapter = Class.forName(client.adapterBelowApp());
        assertThat(ClientHooks.Hook.class).isAssignableFrom(adapter);
        assertThat(adapter.getConstructor().newInstance()).isNotNull();
        assertThat(Instrumentations.adapterPackages(Clients.ALL)).contains(adapter.getPackageName() + ".");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clients")
    void aFunnelThatDeclaresIOExceptionPassesTheProvidersOn(ClientInstrumentation client) {
        boolean declares = false;
        for (ClassPatch patch : client.patches(0)) {
            if (patch instanceof AnswerFirstPatch) {
                declares |= declaresIOException(patch.className(), ((AnswerFirstPatch) patch));
            }
        }
        assertThat(client.passesIOException()).as(client.name()).isEqualTo(declares);
    }

    private static boolean declaresIOException(String className, AnswerFirstPatch patch) {
        boolean[] declares = new boolean[1];
        new ClassReader(PatchFixtures.classBytes(className)).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                if (patch.selects(name, descriptor) && exceptions != null) {
                    declares[0] |= Arrays.asList(exceptions).contains("java/io/IOException");
                }
                return null;
            }
        }, ClassReader.SKIP_CODE);
        return declares[0];
    }
}
