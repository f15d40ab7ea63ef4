package io.tokenguard.agent.instrument;

import io.tokenguard.agent.telemetry.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies the JDK patches as their classes load (or are retransformed). Registered for the JVM's
 * life so that a later retransformation by another agent keeps our change. A class that cannot be
 * patched stays as it was; the client it belongs to is then simply not guarded.
 */
final class JdkPatchTransformer implements ClassFileTransformer {
    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    private final List<JdkPatch> patches;
    private final Set<String> patched = ConcurrentHashMap.newKeySet();

    JdkPatchTransformer(List<JdkPatch> patches) {
        this.patches = patches;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        // JDK classes only: java.base is the boot loader's, java.net.http the platform loader's.
        if (className == null || (loader != null && loader != PLATFORM)) {
            return null;
        }
        for (int i = 0; i < patches.size(); i++) {
            JdkPatch patch = patches.get(i);
            if (patch.className().equals(className)) {
                try {
                    byte[] result = patch.apply(classfileBuffer);
                    patched.add(className);
                    return result;
                } catch (Throwable t) {
                    AgentLog.warn("could not instrument " + className.replace('/', '.') + " ("
                            + t.getClass().getName() + "); requests through it are not guarded");
                    return null;
                }
            }
        }
        return null;
    }

    boolean patched(String className) {
        return patched.contains(className);
    }
}
