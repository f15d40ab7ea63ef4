package io.tokenguard.agent.instrument;

import io.tokenguard.bootstrap.hook.ClientHooks;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * "Answer first, skip the original": Byte Buddy's {@code @Advice.OnMethodEnter(skipOn =
 * Advice.OnNonDefaultValue.class)} whose value an exit advice returns, written in raw ASM (no
 * AgentBuilder: see {@link Instrumentations}). The funnel now starts with
 * <pre>{@code
 * Object answer = ClientHooks.enter(slot, this, arg0, ..., null);
 * if (answer != null) return (ReturnType) answer;   // skip on a non-default value
 * }</pre>
 * and otherwise runs its own body untouched. With a tag, the hook's last argument is that constant
 * String instead of null (one client's funnels of the same shape, told apart). A funnel that returns nothing (Jetty's
 * {@code send(listener)}, which completes its listener later) is skipped the same way: any non-null
 * answer means the hook took the call over ({@code if (answer != null) return;}). The funnel's arguments
 * must be references (at most {@link ClientHooks#MAX_ARGUMENTS}) and it must return one or be void:
 * checked when the patch is made.
 */
public final class AnswerFirstPatch implements ClassPatch {
    private final String className;
    private final String methodName;
    private final String descriptor;
    private final int slot;
    /** What the hook gets as its last argument (the funnel's name among funnels of one shape), or null. */
    private final String tag;

    /**
     * @param className  internal name, e.g. org/apache/http/impl/client/InternalHttpClient
     * @param descriptor the funnel's exact descriptor: a renamed or re-typed funnel is reported
     */
    public AnswerFirstPatch(String className, String methodName, String descriptor, int slot) {
        this(className, methodName, descriptor, slot, null);
    }

    /**
     * As {@link #AnswerFirstPatch(String, String, String, int)}, the hook getting {@code tag} as its last
     * argument: several funnels of one client with the same arguments (Reactor Netty's
     * {@code response()} and {@code responseContent()}) tell the hook which one it was called from.
     */
    public AnswerFirstPatch(String className, String methodName, String descriptor, int slot, String tag) {
        Type[] arguments = Type.getArgumentTypes(descriptor);
        if (arguments.length > ClientHooks.MAX_ARGUMENTS || !allReferences(arguments)
                || !isReference(Type.getReturnType(descriptor)) && Type.getReturnType(descriptor) != Type.VOID_TYPE) {
            throw new IllegalArgumentException("not a funnel an answer can be returned from: " + methodName + descriptor);
        }
        if (tag != null && arguments.length >= ClientHooks.MAX_ARGUMENTS) {
            throw new IllegalArgumentException("no argument left for the tag of " + methodName + descriptor);
        }
        this.tag = tag;
        this.className = className;
        this.methodName = methodName;
        this.descriptor = descriptor;
        this.slot = slot;
    }

    @Override
    public String className() {
        return className;
    }

    @Override
    public byte[] apply(byte[] classfile) {
        return MethodRewriter.rewrite(classfile, this::selects, SkipOnNonNull::new);
    }

    /** The funnel: this name and exactly this descriptor. */
    boolean selects(String name, String desc) {
        return methodName.equals(name) && descriptor.equals(desc);
    }

    @Override
    public String toString() {
        return "answer first in " + className.replace('/', '.') + "." + methodName + (tag == null ? "" : " (" + tag + ")");
    }

    private static boolean allReferences(Type[] types) {
        for (Type t : types) {
            if (!isReference(t)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isReference(Type t) {
        return t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY;
    }

    /** At entry: r = ClientHooks.enter(slot, this, args..., nulls); if (r != null) return (ReturnType) r (void: return). */
    private final class SkipOnNonNull extends MethodVisitor {
        SkipOnNonNull(MethodVisitor mv) {
            super(Opcodes.ASM9, mv);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            int arguments = Type.getArgumentTypes(descriptor).length;
            pushInt(this, slot);
            // this and every argument (all references, one local slot each), then nulls for the rest.
            for (int local = 0; local <= arguments; local++) {
                super.visitVarInsn(Opcodes.ALOAD, local);
            }
            for (int i = arguments; i < ClientHooks.MAX_ARGUMENTS; i++) {
                if (tag != null && i == ClientHooks.MAX_ARGUMENTS - 1) {
                    super.visitLdcInsn(tag);
                } else {
                    super.visitInsn(Opcodes.ACONST_NULL);
                }
            }
            super.visitMethodInsn(Opcodes.INVOKESTATIC, ReplaceOnExitPatch.HOOKS, "enter", ClientHooks.ENTER_DESCRIPTOR,
                    false);
            super.visitInsn(Opcodes.DUP);
            Label proceed = new Label();
            super.visitJumpInsn(Opcodes.IFNULL, proceed);
            Type returned = Type.getReturnType(descriptor);
            if (returned == Type.VOID_TYPE) {
                // The hook took the call over: its answer is only a "handled" mark.
                super.visitInsn(Opcodes.RETURN);
            } else {
                super.visitTypeInsn(Opcodes.CHECKCAST, returned.getInternalName());
                super.visitInsn(Opcodes.ARETURN);
            }
            super.visitLabel(proceed);
            // The one branch gets its own frame: the entry locals, the hook's null on the stack.
            super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/Object"});
            super.visitInsn(Opcodes.POP);
        }
    }

    static void pushInt(MethodVisitor mv, int value) {
        if (value >= -1 && value <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + value);
        } else {
            mv.visitIntInsn(Opcodes.BIPUSH, value);
        }
    }
}
