package io.tokenguard.agent.instrument.apache;

import io.tokenguard.agent.instrument.ClassPatch;
import io.tokenguard.agent.instrument.MethodRewriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Apache HttpClient 4.5 and 5 classic: {@code doExecute(target, request, context)} of one concrete
 * client class now starts with
 * {@code r = <Hook>.execute(this, target, request, context); if (r != null) return (CloseableHttpResponse) r;}.
 */
public final class DoExecutePatch implements ClassPatch {
    /** HttpClient 4.5's funnel. */
    public static final String[] HTTPCLIENT_4 = {"(Lorg/apache/http/HttpHost;Lorg/apache/http/HttpRequest;"
            + "Lorg/apache/http/protocol/HttpContext;)Lorg/apache/http/client/methods/CloseableHttpResponse;",
        "org/apache/http/client/methods/CloseableHttpResponse", "io/tokenguard/bootstrap/ApacheHttpClientHook"};
    /** HttpClient 5 classic's funnel. */
    public static final String[] HTTPCLIENT_5 = {"(Lorg/apache/hc/core5/http/HttpHost;"
            + "Lorg/apache/hc/core5/http/ClassicHttpRequest;Lorg/apache/hc/core5/http/protocol/HttpContext;)"
            + "Lorg/apache/hc/client5/http/impl/classic/CloseableHttpResponse;",
        "org/apache/hc/client5/http/impl/classic/CloseableHttpResponse", "io/tokenguard/bootstrap/ApacheHttpClient5Hook"};
    private static final String HOOK_DESCRIPTOR =
            "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;";

    private final String className;
    private final String descriptor;
    private final String responseType;
    private final String hook;

    /** @param funnel {@link #HTTPCLIENT_4} or {@link #HTTPCLIENT_5} */
    public DoExecutePatch(String className, String[] funnel) {
        this.className = className;
        this.descriptor = funnel[0];
        this.responseType = funnel[1];
        this.hook = funnel[2];
    }

    @Override
    public String className() {
        return className;
    }

    @Override
    public byte[] apply(byte[] classfile) {
        return MethodRewriter.rewrite(classfile,
                (name, desc) -> "doExecute".equals(name) && descriptor.equals(desc), AnswerFirst::new);
    }

    /** At entry: r = Hook.execute(this, target, request, context); if (r != null) return (CloseableHttpResponse) r. */
    private final class AnswerFirst extends MethodVisitor {
        AnswerFirst(MethodVisitor mv) {
            super(Opcodes.ASM9, mv);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            for (int slot = 0; slot <= 3; slot++) {
                super.visitVarInsn(Opcodes.ALOAD, slot);
            }
            super.visitMethodInsn(Opcodes.INVOKESTATIC, hook, "execute", HOOK_DESCRIPTOR, false);
            super.visitInsn(Opcodes.DUP);
            Label proceed = new Label();
            super.visitJumpInsn(Opcodes.IFNULL, proceed);
            super.visitTypeInsn(Opcodes.CHECKCAST, responseType);
            super.visitInsn(Opcodes.ARETURN);
            super.visitLabel(proceed);
            super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/Object"});
            super.visitInsn(Opcodes.POP);
        }
    }
}
