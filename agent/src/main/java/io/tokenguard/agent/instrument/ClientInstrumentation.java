package io.tokenguard.agent.instrument;

import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.hook.ClientHooks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One registered client, a row of {@link Clients#ALL}: its name (the sample app's {@code --client}
 * option and the name the black-box matrices run it by), its {@link HttpClientKind} (metric tag and
 * fault stage), where its adapter lives, and the patches that call that adapter through
 * {@link ClientHooks} in the client's slot (its index in the table).
 */
public final class ClientInstrumentation {
    private final String name;
    private final HttpClientKind kind;
    private final boolean jdk;
    private final boolean passesIOException;
    /** The hook itself, for adapters the agent's own loader (or the boot loader) can link. */
    private final ClientHooks.Hook hook;
    /** The adapter class defined below the app's loader that holds the library; null for {@link #hook}. */
    private final String adapterBelowApp;
    private final List<Patch> patches;
    private final List<String> sharedBelowApp;

    private ClientInstrumentation(Builder b) {
        this.name = b.name;
        this.kind = b.kind;
        this.jdk = b.jdk;
        this.passesIOException = b.passesIOException;
        this.hook = b.hook;
        this.adapterBelowApp = b.adapterBelowApp;
        this.patches = Collections.unmodifiableList(new ArrayList<>(b.patches));
        this.sharedBelowApp = Collections.unmodifiableList(new ArrayList<>(b.sharedBelowApp));
    }

    /** Starts a row: the client's name and kind. */
    static Builder client(String name, HttpClientKind kind) {
        return new Builder(name, kind);
    }

    /** The name the sample app's {@code --client} option and every black-box matrix use for this client. */
    public String name() {
        return name;
    }

    public HttpClientKind kind() {
        return kind;
    }

    /** Patches classes of the JDK (boot and platform loaders) rather than a library's. */
    boolean jdk() {
        return jdk;
    }

    /** The funnel declares IOException: one from the adapter is the provider's answer. */
    boolean passesIOException() {
        return passesIOException;
    }

    /** The adapter class defined below the app's loader, or null when the hook is made directly. */
    String adapterBelowApp() {
        return adapterBelowApp;
    }

    /** Packages of shared code defined below the app's loader with the adapter, each ending in a dot. */
    List<String> sharedBelowApp() {
        return sharedBelowApp;
    }

    /** The hook to install: the adapter itself, or the router to the adapter below the app's loader. */
    ClientHooks.Hook hook(AdapterRouter.Loaders loaders) {
        return hook != null ? hook : new AdapterRouter(adapterBelowApp, loaders);
    }

    /** The patches calling this client's slot. */
    List<ClassPatch> patches(int slot) {
        List<ClassPatch> made = new ArrayList<>(patches.size());
        for (Patch p : patches) {
            made.add(p.make(slot));
        }
        return made;
    }

    @Override
    public String toString() {
        return name;
    }

    static final class Builder {
        private final String name;
        private final HttpClientKind kind;
        private boolean jdk;
        private boolean passesIOException;
        private ClientHooks.Hook hook;
        private String adapterBelowApp;
        private final List<Patch> patches = new ArrayList<>();
        private final List<String> sharedBelowApp = new ArrayList<>();

        private Builder(String name, HttpClientKind kind) {
            this.name = name;
            this.kind = kind;
        }

        /** The patched classes are the JDK's own. */
        Builder jdk() {
            jdk = true;
            return this;
        }

        Builder passesIOException() {
            passesIOException = true;
            return this;
        }

        /** An adapter the agent's loader can link (it names JDK types only), made once at start-up. */
        Builder adapter(ClientHooks.Hook adapter) {
            this.hook = adapter;
            return this;
        }

        /** An adapter that links against the library: defined below the app's loader that holds it. */
        Builder adapterBelowApp(String className) {
            this.adapterBelowApp = className;
            return this;
        }

        /** Answer first, skip the original ({@link AnswerFirstPatch}). */
        Builder answerFirst(String className, String method, String descriptor) {
            patches.add(new Patch(Patch.ANSWER_FIRST, className, method, descriptor, null, null, 0));
            return this;
        }

        /** Answer first, the hook told which funnel called it by {@code tag}, its last argument. */
        Builder answerFirst(String className, String method, String descriptor, String tag) {
            patches.add(new Patch(Patch.ANSWER_FIRST, className, method, descriptor, tag, null, 0));
            return this;
        }

        /**
         * A package of shared code the adapter links (e.g. the Netty pipeline handler), defined below the
         * app's loader with it; ends in a dot.
         */
        Builder sharedBelowApp(String packageName) {
            sharedBelowApp.add(packageName);
            return this;
        }

        /** Replace the return value on exit, every overload of {@code method} returning that type. */
        Builder replaceReturn(String className, String method, String returnDescriptor) {
            patches.add(new Patch(Patch.REPLACE_RETURN, className, method, returnDescriptor, null, null, 0));
            return this;
        }

        /** Replace a field on exit of the method, the hook given the method's argument in that local. */
        Builder replaceField(String className, String method, String descriptor, String field, String fieldDescriptor,
                             int argument) {
            patches.add(new Patch(Patch.REPLACE_FIELD, className, method, descriptor, field, fieldDescriptor, argument));
            return this;
        }

        ClientInstrumentation build() {
            if ((hook == null) == (adapterBelowApp == null) || patches.isEmpty()) {
                throw new IllegalStateException(name + ": one adapter and at least one patch");
            }
            return new ClientInstrumentation(this);
        }
    }

    /** One patch of a row, made for the row's slot (plain data: no lambda is spun in premain). */
    private static final class Patch {
        static final int ANSWER_FIRST = 0;
        static final int REPLACE_RETURN = 1;
        static final int REPLACE_FIELD = 2;

        final int shape;
        final String className;
        final String method;
        final String descriptor;
        final String field;
        final String fieldDescriptor;
        final int argument;

        Patch(int shape, String className, String method, String descriptor, String field, String fieldDescriptor,
              int argument) {
            this.shape = shape;
            this.className = className;
            this.method = method;
            this.descriptor = descriptor;
            this.field = field;
            this.fieldDescriptor = fieldDescriptor;
            this.argument = argument;
        }

        ClassPatch make(int slot) {
            switch (shape) {
                case ANSWER_FIRST:
                    // The field slot of an answer-first patch holds its tag.
                    return new AnswerFirstPatch(className, method, descriptor, slot, field);
                case REPLACE_RETURN:
                    return ReplaceOnExitPatch.returnValue(className, method, descriptor, slot);
                default:
                    return ReplaceOnExitPatch.field(className, method, descriptor, field, fieldDescriptor, argument,
                            slot);
            }
        }
    }
}
