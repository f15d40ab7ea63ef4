package io.tokenguard.agent.instrument;

import io.tokenguard.agent.instrument.javahttp.HttpClientSendAsyncPatch;
import io.tokenguard.agent.instrument.urlconnection.UrlOpenConnectionPatch;
import io.tokenguard.agent.telemetry.AgentLog;
import io.tokenguard.bootstrap.Bridge;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Installs the client adapters' bytecode changes. */
public final class Instrumentations {
    private Instrumentations() {
    }

    public static void install(Instrumentation inst) throws Exception {
        List<JdkPatch> patches = Arrays.asList(new UrlOpenConnectionPatch(), new HttpClientSendAsyncPatch());
        // Code patched into java.base and java.net.http calls the bridge, which lives in the bootstrap
        // loader's unnamed module; named modules read it only when told to (Add-Opens is ignored for agents).
        Module bridge = Bridge.class.getModule();
        for (String name : Arrays.asList("java.base", "java.net.http")) {
            ModuleLayer.boot().findModule(name).filter(m -> !m.canRead(bridge)).ifPresent(m ->
                    inst.redefineModule(m, Collections.singleton(bridge), Collections.emptyMap(),
                            Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap()));
        }
        JdkPatchTransformer transformer = new JdkPatchTransformer(patches);
        inst.addTransformer(transformer, true);
        // java.net.URL is always loaded by now; the others only when attached to a running app.
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            for (JdkPatch patch : patches) {
                if ((c.getClassLoader() == null || c.getClassLoader() == ClassLoader.getPlatformClassLoader())
                        && c.getName().replace('.', '/').equals(patch.className())) {
                    loaded.add(c);
                }
            }
        }
        if (!loaded.isEmpty()) {
            inst.retransformClasses(loaded.toArray(new Class<?>[0]));
        }
        if (!transformer.patched(new UrlOpenConnectionPatch().className())) {
            AgentLog.warn("could not instrument java.net.URL; HttpURLConnection requests are not guarded");
        }
    }
}
