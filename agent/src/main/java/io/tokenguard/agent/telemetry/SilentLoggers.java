package io.tokenguard.agent.telemetry;

import io.micrometer.common.util.internal.logging.InternalLogger;
import io.micrometer.common.util.internal.logging.InternalLoggerFactory;
import java.lang.reflect.Proxy;

/**
 * Loggers for the relocated Micrometer that say nothing: its own lines would land in the app's
 * java.util.logging output, where TokenGuard must not write. A proxy, because InternalLogger has
 * some fifty methods and every one of them should do nothing (level checks answer false).
 */
final class SilentLoggers {
    private static final InternalLogger SILENT = (InternalLogger) Proxy.newProxyInstance(
            SilentLoggers.class.getClassLoader(), new Class<?>[] {InternalLogger.class},
            (proxy, method, args) -> {
                Class<?> type = method.getReturnType();
                if (type == boolean.class) {
                    return Boolean.FALSE;
                }
                if (type == String.class) {
                    return "tokenguard";
                }
                if (type == int.class) {
                    return System.identityHashCode(proxy);
                }
                return null;
            });

    static final InternalLoggerFactory FACTORY = new InternalLoggerFactory() {
        @Override
        protected InternalLogger newInstance(String name) {
            return SILENT;
        }
    };

    private SilentLoggers() {
    }
}
