package io.tokenguard.agent.instrument.urlconnection;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;

import java.net.URLConnection;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * HttpURLConnection / HttpsURLConnection: {@code URL.openConnection()} (both overloads) hands back
 * a guarding wrapper for token endpoints. Wrapping at the factory, not patching the JDK's
 * connection internals, is what lets a synthetic answer own every accessor (DESIGN §3).
 */
public final class UrlConnectionInstrumentation {
    private UrlConnectionInstrumentation() {
    }

    public static AgentBuilder extend(AgentBuilder builder) {
        return builder.type(named("java.net.URL"))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(OpenConnectionAdvice.class)
                        .on(named("openConnection").and(returns(URLConnection.class)))));
    }
}
