package io.tokenguard.agent.instrument.urlconnection;

import io.tokenguard.bootstrap.Bridge;
import java.net.URL;
import java.net.URLConnection;
import net.bytebuddy.asm.Advice;

/** Inlined into java.net.URL: may name only JDK and bootstrap types. */
public final class OpenConnectionAdvice {
    private OpenConnectionAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This URL url,
                            @Advice.Return(readOnly = false) URLConnection connection) {
        connection = Bridge.wrapConnection(url, connection);
    }
}
