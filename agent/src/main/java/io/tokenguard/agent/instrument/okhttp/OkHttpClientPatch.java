package io.tokenguard.agent.instrument.okhttp;

import io.tokenguard.agent.instrument.ClassPatch;
import io.tokenguard.agent.instrument.MethodRewriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * OkHttp 3, 4 and 5: {@code OkHttpClient(Builder)} (every other constructor and newBuilder().build()
 * end there) finishes with {@code interceptors = OkHttpHook.interceptors(this, builder, interceptors)}.
 * Straight-line code before each return of a constructor: no frames to compute.
 */
public final class OkHttpClientPatch implements ClassPatch {
    private static final String CLASS = "okhttp3/OkHttpClient";
    private static final String HOOK = "io/tokenguard/bootstrap/hook/OkHttpHook";

    @Override
    public String className() {
        return CLASS;
    }

    @Override
    public byte[] apply(byte[] classfile) {
        return MethodRewriter.rewrite(classfile,
                (name, descriptor) -> "<init>".equals(name) && "(Lokhttp3/OkHttpClient$Builder;)V".equals(descriptor),
                ReplaceInterceptorsOnReturn::new);
    }

    /** Before each RETURN of the constructor: interceptors = OkHttpHook.interceptors(this, builder, interceptors). */
    private static final class ReplaceInterceptorsOnReturn extends MethodVisitor {
        ReplaceInterceptorsOnReturn(MethodVisitor mv) {
            super(Opcodes.ASM9, mv);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.RETURN) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitVarInsn(Opcodes.ALOAD, 0);
                // The constructor's parameter: neither javac (3.x) nor kotlinc (4.x, 5.x) reassigns it.
                super.visitVarInsn(Opcodes.ALOAD, 1);
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitFieldInsn(Opcodes.GETFIELD, CLASS, "interceptors", "Ljava/util/List;");
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "interceptors",
                        "(Ljava/lang/Object;Ljava/lang/Object;Ljava/util/List;)Ljava/util/List;", false);
                super.visitFieldInsn(Opcodes.PUTFIELD, CLASS, "interceptors", "Ljava/util/List;");
            }
            super.visitInsn(opcode);
        }
    }
}
