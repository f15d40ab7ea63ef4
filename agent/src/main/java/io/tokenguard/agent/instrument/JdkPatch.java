package io.tokenguard.agent.instrument;

/** A method-body-only change to one JDK class (retransformation allows nothing more). */
public interface JdkPatch {
    /** Internal name, e.g. java/net/URL. */
    String className();

    byte[] apply(byte[] classfile);
}
