package io.tokenguard.agent.instrument.apache;

import io.tokenguard.agent.instrument.ClassPatch;
import io.tokenguard.agent.instrument.MethodRewriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Apache HttpClient 4.5, 5 classic and 5 async: {@code doExecute(target, request, context)} (async:
 * {@code doExecute(target, producer, consumer, pushHandlerFactory, context, callback)}) of one client class
 * now starts with {@code r = <Hook>.execute(this, <every argument>); if (r != null) return (<return type>) r;}.
 */
public final class DoExecutePatch implements ClassPatch {
    /** HttpClient 4.5's funnel. */
    public static final String[] HTTPCLIENT_4 = {"(Lorg/apache/http/HttpHost;Lorg/apache/http/HttpRequest;"
            + "Lorg/apache/http/protocol/HttpContext;)Lorg/apache/http/client/methods/CloseableHttpResponse;",
        "org/apache/http/client/methods/CloseableHttpResponse", "io/tokenguard/bootstrap/hook/ApacheHttpClientHook"};
    /** HttpClient 5 classic's funnel. */
    public static final String[] HTTPCLIENT_5 = {"(Lorg/apache/hc/core5/http/HttpHost;"
            + "Lorg/apache/hc/core5/http/ClassicHttpRequest;Lorg/apache/hc/core5/http/protocol/HttpContext;)"
            + "Lorg/apache/hc/client5/http/impl/classic/CloseableHttpResponse;",
        "org/apache/hc/client5/http/impl/classic/CloseableHttpResponse", "io/tokenguard/bootstrap/hook/ApacheHttpClient5Hook"};
    /** HttpClient 5 async's funnel: the Future it returns is the caller's. */
    public static final String[] HTTPCLIENT_5_ASYNC = {"(Lorg/apache/hc/core5/http/HttpHost;"
            + "Lorg/apache/hc/core5/http/nio/AsyncRequestProducer;Lorg/apache/hc/core5/http/nio/AsyncResponseConsumer;"
            + "Lorg/apache/hc/core5/http/nio/HandlerFactory;Lorg/apache/hc/core5/http/protocol/HttpContext;"
            + "Lorg/apache/hc/core5/concurrent/FutureCallback;)Ljava/util/concurrent/Future;",
        "java/util/concurrent/Future", "io/tokenguard/bootstrap/hook/ApacheHttpAsyncClient5Hook"};

    private final String className;
    private final String descriptor;
    private final String responseType;
    private final String hook;

    /** @param funnel {@link #HTTPCLIENT_4}, {@link #HTTPCLIENT_5} or {@link #HTTPCLIENT_5_ASYNC} */
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

    /** At entry: r = Hook.execute(this, arguments...); if (r != null) return (ReturnType) r. */
    private final class AnswerFirst extends MethodVisitor {
        AnswerFirst(MethodVisitor mv) {
            super(Opcodes.ASM9, mv);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            // this and every argument (all references, one slot each), passed as Objects.
            int arguments = Type.getArgumentTypes(descriptor).length;
            StringBuilder hookDescriptor = new StringBuilder("(");
            for (int slot = 0; slot <= arguments; slot++) {
                super.visitVarInsn(Opcodes.ALOAD, slot);
                hookDescriptor.append("Ljava/lang/Object;");
            }
            super.visitMethodInsn(Opcodes.INVOKESTATIC, hook, "execute",
                    hookDescriptor.append(")Ljava/lang/Object;").toString(), false);
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
