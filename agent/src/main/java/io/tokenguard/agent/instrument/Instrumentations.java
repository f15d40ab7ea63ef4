package io.tokenguard.agent.instrument;

import io.tokenguard.agent.instrument.urlconnection.UrlOpenConnectionPatch;
import io.tokenguard.agent.telemetry.AgentLog;
import io.tokenguard.bootstrap.Bridge;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicBoolean;

/** Installs the client adapters' bytecode changes. */
public final class Instrumentations {
    private Instrumentations() {
    }

    public static void install(Instrumentation inst) throws Exception {
        // Code patched into java.base calls Bridge, which lives in the bootstrap loader's unnamed
        // module; java.base reads no unnamed module unless told to (an agent's Add-Opens is ignored).
        Module javaBase = URL.class.getModule();
        Module bridgeModule = Bridge.class.getModule();
        if (!javaBase.canRead(bridgeModule)) {
            inst.redefineModule(javaBase, Collections.singleton(bridgeModule), Collections.emptyMap(),
                    Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap());
        }
        AtomicBoolean patched = new AtomicBoolean();
        // Stays registered so a later retransformation of URL (by another agent) keeps our change.
        inst.addTransformer(new UrlOpenConnectionPatch(() -> patched.set(true)), true);
        inst.retransformClasses(URL.class);
        if (!patched.get()) {
            AgentLog.warn("could not instrument java.net.URL; HttpURLConnection requests are not guarded");
        }
    }
}
