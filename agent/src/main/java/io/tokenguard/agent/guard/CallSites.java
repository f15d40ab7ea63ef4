package io.tokenguard.agent.guard;

import java.util.Optional;

/**
 * Where in the app a violating token request was made: the first stack frame outside the JDK, the HTTP
 * client libraries, the known OAuth libraries, other agents and TokenGuard itself, as
 * {@code class.method:line} (never an argument or a value). Taken on the thread that asked the guard,
 * only when a violation happens, over a bounded walk; "unknown" when no such frame is on the stack (an
 * async client's callback thread, or a stack deeper than the walk).
 */
public final class CallSites {
    public static final String UNKNOWN = "unknown";
    /** Frames walked at most: an app frame sits within a few dozen of the guard even under Spring. */
    static final int MAX_FRAMES = 96;
    /** Class-name prefixes that are not the app: the JDK, HTTP and OAuth libraries, agents, TokenGuard. */
    private static final String[] NOT_THE_APP = {
        "java.", "javax.", "jdk.", "sun.", "com.sun.",
        "io.tokenguard.agent.", "io.tokenguard.bootstrap.", "io.tokenguard.shaded.",
        "okhttp3.", "okio.", "org.apache.http.", "org.apache.hc.", "org.eclipse.jetty.", "reactor.", "io.netty.",
        "io.vertx.", "kotlin.", "kotlinx.", "feign.", "retrofit2.",
        "org.springframework.security.oauth2.", "org.springframework.web.client.",
        "org.springframework.web.reactive.function.client.", "org.springframework.http.",
        "com.nimbusds.", "com.github.scribejava.", "com.google.auth.", "com.google.api.client.",
        "com.google.common.", "com.microsoft.aad.msal4j.", "com.azure.", "com.okta.", "com.auth0.",
        "org.keycloak.", "io.opentelemetry.", "net.bytebuddy.",
    };
    private static final StackWalker WALKER = StackWalker.getInstance();

    private CallSites() {
    }

    /** The app's frame on this thread's stack, or {@link #UNKNOWN}. */
    public static String here() {
        try {
            Optional<String> site = WALKER.walk(frames -> frames.limit(MAX_FRAMES)
                    .filter(f -> isApp(f.getClassName()))
                    .findFirst()
                    .map(f -> f.getClassName() + "." + f.getMethodName() + ":" + f.getLineNumber()));
            return site.orElse(UNKNOWN);
        } catch (RuntimeException e) {
            // A security manager or a JVM that refuses the walk: the violation still counts, its site unknown.
            return UNKNOWN;
        }
    }

    static boolean isApp(String className) {
        for (String prefix : NOT_THE_APP) {
            if (className.startsWith(prefix)) {
                return false;
            }
        }
        return true;
    }
}
