package io.tokenguard.agent.instrument.javahttp;

import io.tokenguard.agent.instrument.ClassPatch;
import io.tokenguard.agent.instrument.MethodRewriter;
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
    private static final String BRIDGE = "io/tokenguard/bootstrap/hook/JavaHttpClientHook";
    /** java.base types only, so the call links from java.net.http whatever the adapter needs. */
    private static final String BRIDGE_DESCRIPTOR = "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;"
            + "Ljava/lang/Object;Ljava/lang/Object;)Ljava/util/concurrent/CompletableFuture;";

    @Override
    public String className() {
        return CLASS;
    }

    @Override
    public byte[] apply(byte[] classfile) {
        return MethodRewriter.rewrite(classfile,
                (name, descriptor) -> "sendAsync".equals(name) && FUNNEL_DESCRIPTOR.equals(descriptor), AnswerFirst::new);
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
