package io.tokenguard.agent.instrument;

import io.tokenguard.agent.instrument.fixtures.Funnel;
import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** The fixture class's bytes, a loader that defines a patched copy of it, and a delegate that records faults. */
final class PatchFixtures {
    static final String FUNNEL = Funnel.class.getName().replace('.', '/');
    /** A hook slot no registered client uses. */
    static final int SLOT = 15;

    private PatchFixtures() {
    }

    static byte[] classBytes(String internalName) {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            if (in == null) {
                throw new IllegalStateException("no class file for " + internalName);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture as the patch leaves it, in a loader of its own (the test's copy stays untouched). */
    static Class<?> patched(ClassPatch patch) {
        byte[] bytes = patch.apply(classBytes(FUNNEL));
        ClassLoader loader = new ClassLoader(PatchFixtures.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(Funnel.class.getName())) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> c = findLoadedClass(name);
                        return c != null ? c : defineClass(name, bytes, 0, bytes.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        try {
            return Class.forName(Funnel.class.getName(), true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Installed as the bridge's delegate: only the faults matter to the patch tests. */
    static final class FaultRecorder implements GuardDelegate, AutoCloseable {
        final List<String> faults = new CopyOnWriteArrayList<>();

        FaultRecorder() {
            Bridge.install(this);
        }

        @Override
        public boolean isTokenEndpoint(String scheme, String host, int port, String path) {
            return false;
        }

        @Override
        public int captureMaxBytes() {
            return 0;
        }

        @Override
        public TokenHttpResponse exchange(TokenHttpRequest request, Upstream upstream) throws IOException {
            return upstream.send();
        }

        @Override
        public CompletableFuture<TokenHttpResponse> exchangeAsync(TokenHttpRequest request, AsyncUpstream upstream) {
            return upstream.send();
        }

        @Override
        public void fault(String stage, Throwable error) {
            faults.add(stage + ": " + error.getClass().getSimpleName());
        }

        @Override
        public void close() {
            Bridge.install(null);
        }
    }
}
