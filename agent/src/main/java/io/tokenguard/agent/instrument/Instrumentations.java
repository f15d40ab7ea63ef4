package io.tokenguard.agent.instrument;

import io.tokenguard.agent.instrument.apache.ApacheAdapter;
import io.tokenguard.agent.instrument.apache.ApacheAsyncAdapter;
import io.tokenguard.agent.instrument.apache.DoExecutePatch;
import io.tokenguard.agent.instrument.javahttp.HttpClientSendAsyncPatch;
import io.tokenguard.agent.instrument.javahttp.JavaHttpClientAdapter;
import io.tokenguard.agent.instrument.okhttp.OkHttpAdapter;
import io.tokenguard.agent.instrument.okhttp.OkHttpClientPatch;
import io.tokenguard.agent.instrument.urlconnection.UrlOpenConnectionPatch;
import io.tokenguard.agent.telemetry.AgentLog;
import io.tokenguard.bootstrap.hook.ApacheHttpAsyncClient5Hook;
import io.tokenguard.bootstrap.hook.ApacheHttpClient5Hook;
import io.tokenguard.bootstrap.hook.ApacheHttpClientHook;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.hook.JavaHttpClientHook;
import io.tokenguard.bootstrap.hook.OkHttpHook;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/** Installs the client adapters: their hooks in the bridge, and the bytecode changes that call them. */
public final class Instrumentations {
    private static final String OKHTTP_ADAPTER_PACKAGE = "io.tokenguard.agent.instrument.okhttp.";
    private static final String APACHE4_ADAPTER_PACKAGE = "io.tokenguard.agent.instrument.apache4.";
    private static final String APACHE5_ADAPTER_PACKAGE = "io.tokenguard.agent.instrument.apache5.";

    private Instrumentations() {
    }

    public static void install(Instrumentation inst) throws Exception {
        ClassLoader agentLoader = Instrumentations.class.getClassLoader();
        JavaHttpClientHook.install(new JavaHttpClientAdapter());
        Map<ClassLoader, ClassLoader> okhttpLoaders = Collections.synchronizedMap(new WeakHashMap<>());
        OkHttpHook.install(new OkHttpAdapter(appLoader -> okhttpLoaders.computeIfAbsent(appLoader,
                l -> new AdapterClassLoader(l, OKHTTP_ADAPTER_PACKAGE, agentLoader))));
        Map<ClassLoader, ClassLoader> apache4Loaders = Collections.synchronizedMap(new WeakHashMap<>());
        ApacheHttpClientHook.install(new ApacheAdapter(APACHE4_ADAPTER_PACKAGE + "Apache4Adapter",
                appLoader -> apache4Loaders.computeIfAbsent(appLoader,
                        l -> new AdapterClassLoader(l, APACHE4_ADAPTER_PACKAGE, agentLoader))));
        Map<ClassLoader, ClassLoader> apache5Loaders = Collections.synchronizedMap(new WeakHashMap<>());
        Function<ClassLoader, ClassLoader> apache5AdapterLoaders = appLoader -> apache5Loaders.computeIfAbsent(
                appLoader, l -> new AdapterClassLoader(l, APACHE5_ADAPTER_PACKAGE, agentLoader));
        ApacheHttpClient5Hook.install(new ApacheAdapter(APACHE5_ADAPTER_PACKAGE + "Apache5Adapter",
                apache5AdapterLoaders));
        ApacheHttpAsyncClient5Hook.install(new ApacheAsyncAdapter(apache5AdapterLoaders));

        List<ClassPatch> jdkPatches = Arrays.asList(new UrlOpenConnectionPatch(), new HttpClientSendAsyncPatch());
        List<ClassPatch> libraryPatches = Arrays.asList(new OkHttpClientPatch(),
                new DoExecutePatch("org/apache/http/impl/client/InternalHttpClient", DoExecutePatch.HTTPCLIENT_4),
                new DoExecutePatch("org/apache/http/impl/client/MinimalHttpClient", DoExecutePatch.HTTPCLIENT_4),
                new DoExecutePatch("org/apache/hc/client5/http/impl/classic/InternalHttpClient",
                        DoExecutePatch.HTTPCLIENT_5),
                new DoExecutePatch("org/apache/hc/client5/http/impl/classic/MinimalHttpClient",
                        DoExecutePatch.HTTPCLIENT_5),
                new DoExecutePatch("org/apache/hc/client5/http/impl/async/InternalAbstractHttpAsyncClient",
                        DoExecutePatch.HTTPCLIENT_5_ASYNC),
                new DoExecutePatch("org/apache/hc/client5/http/impl/async/AbstractMinimalHttpAsyncClientBase",
                        DoExecutePatch.HTTPCLIENT_5_ASYNC));
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
        List<ClassPatch> allPatches = concat(jdkPatches, libraryPatches);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            String name = c.getName().replace('.', '/');
            for (ClassPatch patch : allPatches) {
                if (name.equals(patch.className()) && inst.isModifiableClass(c)) {
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

    private static List<ClassPatch> concat(List<ClassPatch> a, List<ClassPatch> b) {
        List<ClassPatch> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
