package io.tokenguard.agent.instrument.javahttp;

import io.tokenguard.agent.instrument.ClassPatch;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * java.net.http.HttpClient: the JDK's private
 * {@code HttpClientImpl.sendAsync(HttpRequest, BodyHandler, PushPromiseHandler, Executor)} is the
 * funnel of send and sendAsync. It now starts with
 * {@code cf = JavaHttpClientHook.sendAsync(this, request, handler, pph, executor); if (cf != null) return cf;}.
 * ASM rather than an AgentBuilder for the same reason as the URL patch: no Byte Buddy start-up cost.
 */
public final class HttpClientSendAsyncPatch implements ClassPatch {
    static final String CLASS = "jdk/internal/net/http/HttpClientImpl";
    private static final String FUNNEL_DESCRIPTOR = "(Ljava/net/http/HttpRequest;Ljava/net/http/HttpResponse$BodyHandler;"
            + "Ljava/net/http/HttpResponse$PushPromiseHandler;Ljava/util/concurrent/Executor;)"
            + "Ljava/util/concurrent/CompletableFuture;";
    private static final String BRIDGE = "io/tokenguard/bootstrap/JavaHttpClientHook";
    /** java.base types only, so the call links from java.net.http whatever the adapter needs. */
    private static final String BRIDGE_DESCRIPTOR = "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;"
            + "Ljava/lang/Object;Ljava/lang/Object;)Ljava/util/concurrent/CompletableFuture;";

    @Override
    public String className() {
        return CLASS;
    }

    @Override
    public byte[] apply(byte[] classfile) {
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        boolean[] found = new boolean[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                if ("sendAsync".equals(name) && FUNNEL_DESCRIPTOR.equals(descriptor)
                        && (access & Opcodes.ACC_STATIC) == 0) {
                    found[0] = true;
                    return new AnswerFirst(mv);
                }
                return mv;
            }
        }, 0);
        if (!found[0]) {
            throw new IllegalStateException("HttpClientImpl has no sendAsync" + FUNNEL_DESCRIPTOR);
        }
        return writer.toByteArray();
    }

    private static final class AnswerFirst extends MethodVisitor {
        AnswerFirst(MethodVisitor mv) {
            super(Opcodes.ASM9, mv);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            for (int slot = 0; slot <= 4; slot++) {
                super.visitVarInsn(Opcodes.ALOAD, slot);
            }
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "sendAsync", BRIDGE_DESCRIPTOR, false);
            super.visitInsn(Opcodes.DUP);
            Label proceed = new Label();
            super.visitJumpInsn(Opcodes.IFNULL, proceed);
            super.visitInsn(Opcodes.ARETURN);
            super.visitLabel(proceed);
            super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/util/concurrent/CompletableFuture"});
            super.visitInsn(Opcodes.POP);
        }
    }
}
