package io.tokenguard.agent.instrument;

import io.tokenguard.bootstrap.hook.ClientHooks;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * "Replace on exit": Byte Buddy's {@code @Advice.OnMethodExit} assigning {@code @Advice.Return(readOnly
 * = false)} or {@code @Advice.FieldValue(readOnly = false)}, written in raw ASM. Before each return of
 * the selected methods:
 * <ul>
 *   <li>{@link #returnValue}: {@code return (T) ClientHooks.exit(slot, this, value, null);}</li>
 *   <li>{@link #field}: {@code this.field = (T) ClientHooks.exit(slot, this, this.field, argN);}</li>
 * </ul>
 * Straight-line code before each return: no frames to compute.
 */
public final class ReplaceOnExitPatch implements ClassPatch {
    static final String HOOKS = "io/tokenguard/bootstrap/hook/ClientHooks";

    private final String className;
    private final String methodName;
    /** Exact descriptor (field form), or the return type every selected overload ends with (return form). */
    private final String descriptor;
    private final String fieldName;
    private final String fieldDescriptor;
    /** The local passed as the hook's argument, or -1 for none. */
    private final int argument;
    private final int slot;

    private ReplaceOnExitPatch(String className, String methodName, String descriptor, String fieldName,
                               String fieldDescriptor, int argument, int slot) {
        this.className = className;
        this.methodName = methodName;
        this.descriptor = descriptor;
        this.fieldName = fieldName;
        this.fieldDescriptor = fieldDescriptor;
        this.argument = argument;
        this.slot = slot;
    }

    /** Every overload of {@code methodName} returning {@code returnDescriptor} hands on what the hook returns. */
    public static ReplaceOnExitPatch returnValue(String className, String methodName, String returnDescriptor, int slot) {
        return new ReplaceOnExitPatch(className, methodName, returnDescriptor, null, null, -1, slot);
    }

    /**
     * The method (exact descriptor; a constructor is {@code <init>}) ends with its field replaced by what
     * the hook returns, which is given the method's argument in local {@code argument} (1 = the first).
     */
    public static ReplaceOnExitPatch field(String className, String methodName, String descriptor, String fieldName,
                                           String fieldDescriptor, int argument, int slot) {
        if (Type.getType(fieldDescriptor).getSort() != Type.OBJECT || argument < 1
                || argument > Type.getArgumentTypes(descriptor).length) {
            throw new IllegalArgumentException("not a field and argument the hook can take: " + fieldName);
        }
        return new ReplaceOnExitPatch(className, methodName, descriptor, fieldName, fieldDescriptor, argument, slot);
    }

    @Override
    public String className() {
        return className;
    }

    @Override
    public byte[] apply(byte[] classfile) {
        MethodRewriter.Selector selector = fieldName == null
                ? (name, desc) -> methodName.equals(name) && desc.endsWith(")" + descriptor)
                : (name, desc) -> methodName.equals(name) && descriptor.equals(desc);
        return MethodRewriter.rewrite(classfile, selector, fieldName == null ? ReturnValue::new : Field::new);
    }

    @Override
    public String toString() {
        return "replace on exit in " + className.replace('/', '.') + "." + methodName;
    }

    /** Before each ARETURN: stack [value] becomes [(T) ClientHooks.exit(slot, this, value, null)]. */
    private final class ReturnValue extends MethodVisitor {
        ReturnValue(MethodVisitor mv) {
            super(Opcodes.ASM9, mv);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.ARETURN) {
                // [value] -> [slot, this, value, null]
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitInsn(Opcodes.SWAP);
                AnswerFirstPatch.pushInt(mv, slot);
                super.visitInsn(Opcodes.DUP_X2);
                super.visitInsn(Opcodes.POP);
                super.visitInsn(Opcodes.ACONST_NULL);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "exit", ClientHooks.EXIT_DESCRIPTOR, false);
                super.visitTypeInsn(Opcodes.CHECKCAST, Type.getType(descriptor).getInternalName());
            }
            super.visitInsn(opcode);
        }
    }

    /** Before each RETURN: this.field = (T) ClientHooks.exit(slot, this, this.field, argument). */
    private final class Field extends MethodVisitor {
        Field(MethodVisitor mv) {
            super(Opcodes.ASM9, mv);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.RETURN) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
                AnswerFirstPatch.pushInt(mv, slot);
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitFieldInsn(Opcodes.GETFIELD, className, fieldName, fieldDescriptor);
                // The method's parameter: neither javac (OkHttp 3.x) nor kotlinc (4.x, 5.x) reassigns it.
                super.visitVarInsn(Opcodes.ALOAD, argument);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "exit", ClientHooks.EXIT_DESCRIPTOR, false);
                super.visitTypeInsn(Opcodes.CHECKCAST, Type.getType(fieldDescriptor).getInternalName());
                super.visitFieldInsn(Opcodes.PUTFIELD, className, fieldName, fieldDescriptor);
            }
            super.visitInsn(opcode);
        }
    }
}
