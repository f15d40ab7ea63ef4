package io.tokenguard.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import io.tokenguard.agent.instrument.urlconnection.UrlConnectionInstrumentation;
import io.tokenguard.agent.telemetry.AgentLog;
import io.tokenguard.bootstrap.Bridge;
import java.lang.instrument.Instrumentation;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.utility.JavaModule;

/** The one AgentBuilder: which classes are transformed, and how failures are reported. */
public final class Instrumentations {
    private Instrumentations() {
    }

    public static void install(Instrumentation inst) {
        AgentBuilder builder = new AgentBuilder.Default()
                // Retransformed JDK classes may only change method bodies; the wrappers hold the state.
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(new FailureListener())
                // Replaces the default, which would skip the JDK classes we must reach (java.net.URL).
                .ignore(nameStartsWith("net.bytebuddy.")
                        .or(nameStartsWith("io.tokenguard."))
                        .or(nameStartsWith("jdk.internal.reflect."))
                        .or(nameStartsWith("sun.reflect."))
                        .<TypeDescription>or(isSynthetic()))
                // Advice inlined into java.base names bootstrap-appended classes: java.base must read them.
                .assureReadEdgeTo(inst, Bridge.class);
        builder = UrlConnectionInstrumentation.extend(builder);
        builder.installOn(inst);
    }

    /** Logs each failed transformation once per type; the type then simply stays unguarded. */
    private static final class FailureListener extends AgentBuilder.Listener.Adapter {
        private final Set<String> reported = ConcurrentHashMap.newKeySet();

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            if (reported.add(typeName)) {
                AgentLog.warn("could not instrument " + typeName + " (" + throwable.getClass().getName()
                        + "); requests through it are not guarded");
            }
        }
    }
}
