package io.tokenguard.agent.instrument;

import io.tokenguard.agent.telemetry.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies the patches as their classes load (or are retransformed): JDK patches to classes of the
 * boot and platform loaders only (java.base, java.net.http), library patches to any other loader.
 * Registered for the JVM's life so that a later retransformation by another agent keeps our change.
 * A class that cannot be patched stays as it was; its client is then simply not guarded. Cost for
 * every other class: a string comparison per patch.
 */
final class ClassPatchTransformer implements ClassFileTransformer {
    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    private final List<ClassPatch> jdkPatches;
    private final List<ClassPatch> libraryPatches;
    private final Set<String> patched = ConcurrentHashMap.newKeySet();

    ClassPatchTransformer(List<ClassPatch> jdkPatches, List<ClassPatch> libraryPatches) {
        this.jdkPatches = jdkPatches;
        this.libraryPatches = libraryPatches;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null || loader instanceof AdapterClassLoader) {
            return null;
        }
        boolean jdk = loader == null || loader == PLATFORM;
        List<ClassPatch> patches = jdk ? jdkPatches : libraryPatches;
        // Every patch of this class, in turn (Reactor Netty's five funnels are in one class).
        byte[] result = null;
        for (int i = 0; i < patches.size(); i++) {
            ClassPatch patch = patches.get(i);
            if (patch.className().equals(className)) {
                try {
                    result = patch.apply(result == null ? classfileBuffer : result);
                } catch (Throwable t) {
                    AgentLog.warn("could not instrument " + className.replace('/', '.') + " ("
                            + t.getClass().getName() + "); requests through it are not guarded");
                    return null;
                }
            }
        }
        if (result != null) {
            patched.add(className);
        }
        return result;
    }

    boolean patched(String className) {
        return patched.contains(className);
    }
}
