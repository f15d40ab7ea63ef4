package io.tokenguard.agent.instrument;

/** A method-body-only change to one class (retransformation allows nothing more). */
public interface ClassPatch {
    /** Internal name, e.g. java/net/URL or okhttp3/OkHttpClient. */
    String className();

    byte[] apply(byte[] classfile);
}
