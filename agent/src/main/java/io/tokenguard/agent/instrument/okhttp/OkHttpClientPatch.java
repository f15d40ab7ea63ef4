package io.tokenguard.agent.instrument.okhttp;

import io.tokenguard.agent.instrument.ClassPatch;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * OkHttp 3, 4 and 5: {@code OkHttpClient(Builder)} (every other constructor and newBuilder().build()
 * end there) finishes with {@code interceptors = OkHttpHook.interceptors(this, interceptors)}.
 * Straight-line code before each return of a constructor: no frames to compute.
 */
public final class OkHttpClientPatch implements ClassPatch {
    private static final String CLASS = "okhttp3/OkHttpClient";
    private static final String HOOK = "io/tokenguard/bootstrap/OkHttpHook";

    @Override
    public String className() {
        return CLASS;
    }

    @Override
    public byte[] apply(byte[] classfile) {
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        boolean[] patched = new boolean[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                if (!"<init>".equals(name) || !descriptor.equals("(Lokhttp3/OkHttpClient$Builder;)V")) {
                    return mv;
                }
                patched[0] = true;
                return new MethodVisitor(Opcodes.ASM9, mv) {
                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode == Opcodes.RETURN) {
                            super.visitVarInsn(Opcodes.ALOAD, 0);
                            super.visitVarInsn(Opcodes.ALOAD, 0);
                            super.visitVarInsn(Opcodes.ALOAD, 0);
                            super.visitFieldInsn(Opcodes.GETFIELD, CLASS, "interceptors", "Ljava/util/List;");
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "interceptors",
                                    "(Ljava/lang/Object;Ljava/util/List;)Ljava/util/List;", false);
                            super.visitFieldInsn(Opcodes.PUTFIELD, CLASS, "interceptors", "Ljava/util/List;");
                        }
                        super.visitInsn(opcode);
                    }
                };
            }
        }, 0);
        if (!patched[0]) {
            throw new IllegalStateException("OkHttpClient has no (Builder) constructor");
        }
        return writer.toByteArray();
    }
}
