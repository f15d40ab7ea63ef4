package io.tokenguard.agent.instrument;

import io.tokenguard.agent.telemetry.AgentLog;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.hook.ClientHooks;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Installs the registered clients ({@link Clients#ALL}): each one's hook in its {@link ClientHooks}
 * slot, and the bytecode patches that call it.
 *
 * <p>Patches are written with the ASM that Byte Buddy bundles rather than an AgentBuilder + Advice: the
 * JDK's classes must be patched inside premain, where AgentBuilder costs about half a second of class
 * loading (measured: ~1,100 classes) and this costs a few dozen. Method bodies only, no new members, as
 * retransformation requires.
 */
public final class Instrumentations {
    private static final String URL_CLASS = "java/net/URL";

    private Instrumentations() {
    }

    public static void install(Instrumentation inst) throws Exception {
        List<ClientInstrumentation> clients = Clients.ALL;
        if (clients.size() > ClientHooks.SLOTS) {
            throw new IllegalStateException("more clients than hook slots");
        }
        AdapterRouter.Loaders loaders = new AdapterRouter.Loaders(adapterPackages(clients),
                Instrumentations.class.getClassLoader());
        List<ClassPatch> jdkPatches = new ArrayList<>();
        List<ClassPatch> libraryPatches = new ArrayList<>();
        for (int slot = 0; slot < clients.size(); slot++) {
            ClientInstrumentation client = clients.get(slot);
            ClientHooks.install(slot, client.kind(), client.passesIOException(), client.hook(loaders));
            (client.jdk() ? jdkPatches : libraryPatches).addAll(client.patches(slot));
        }
        // Code patched into java.base and java.net.http calls the bridge, which lives in the bootstrap
        // loader's unnamed module; named modules read it only when told to (Add-Opens is ignored for agents).
        Module bridge = Bridge.class.getModule();
        for (String name : Arrays.asList("java.base", "java.net.http")) {
            ModuleLayer.boot().findModule(name).filter(m -> !m.canRead(bridge)).ifPresent(m ->
                    inst.redefineModule(m, Collections.singleton(bridge), Collections.emptyMap(),
                            Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap()));
        }
        ClassPatchTransformer transformer = new ClassPatchTransformer(jdkPatches, libraryPatches);
        inst.addTransformer(transformer, true);
        // java.net.URL is always loaded by now; the others only when attached to a running app.
        List<ClassPatch> allPatches = new ArrayList<>(jdkPatches);
        allPatches.addAll(libraryPatches);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            String name = c.getName().replace('.', '/');
            for (ClassPatch patch : allPatches) {
                if (name.equals(patch.className()) && inst.isModifiableClass(c)) {
                    loaded.add(c);
                    break;
                }
            }
        }
        if (!loaded.isEmpty()) {
            inst.retransformClasses(loaded.toArray(new Class<?>[0]));
        }
        if (!transformer.patched(URL_CLASS)) {
            AgentLog.warn("could not instrument java.net.URL; HttpURLConnection requests are not guarded");
        }
    }

    /** The packages of the adapters defined below an app's loader, each ending in a dot. */
    static String[] adapterPackages(List<ClientInstrumentation> clients) {
        Set<String> packages = new LinkedHashSet<>();
        for (ClientInstrumentation c : clients) {
            String adapter = c.adapterBelowApp();
            if (adapter != null) {
                packages.add(adapter.substring(0, adapter.lastIndexOf('.') + 1));
                packages.addAll(c.sharedBelowApp());
            }
        }
        return packages.toArray(new String[0]);
    }
}
