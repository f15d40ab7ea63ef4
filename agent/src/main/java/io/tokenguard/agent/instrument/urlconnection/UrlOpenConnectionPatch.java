package io.tokenguard.agent.instrument.urlconnection;

import io.tokenguard.agent.instrument.ClassPatch;
import io.tokenguard.agent.instrument.MethodRewriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * HttpURLConnection / HttpsURLConnection: makes both {@code URL.openConnection} overloads end in
 * {@code return UrlConnectionAdapter.wrap(this, connection)}, so token endpoints get a guarding wrapper
 * and every other URL gets the JDK's own object back (DESIGN §3: wrap at the factory).
 *
 * <p>Written with the ASM that Byte Buddy bundles rather than an AgentBuilder + Advice, because this
 * one JDK class must be patched inside premain, where AgentBuilder costs about half a second of
 * class loading (measured: ~1,100 classes) and this costs a few dozen classes. Method bodies only,
 * no new members, as retransformation requires.
 */
public final class UrlOpenConnectionPatch implements ClassPatch {
    static final String URL_CLASS = "java/net/URL";
    private static final String ADAPTER = "io/tokenguard/bootstrap/urlconnection/UrlConnectionAdapter";
    private static final String WRAP_DESCRIPTOR = "(Ljava/net/URL;Ljava/net/URLConnection;)Ljava/net/URLConnection;";
    private static final String RETURNS_CONNECTION = ")Ljava/net/URLConnection;";

    @Override
    public String className() {
        return URL_CLASS;
    }

    @Override
    public byte[] apply(byte[] classfile) {
        return MethodRewriter.rewrite(classfile,
                (name, descriptor) -> "openConnection".equals(name) && descriptor.endsWith(RETURNS_CONNECTION),
                WrapOnReturn::new);
    }

    /** Before each ARETURN: stack [connection] becomes [UrlConnectionAdapter.wrap(this, connection)]. */
    private static final class WrapOnReturn extends MethodVisitor {
        WrapOnReturn(MethodVisitor mv) {
            super(Opcodes.ASM9, mv);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.ARETURN) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitInsn(Opcodes.SWAP);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, ADAPTER, "wrap", WRAP_DESCRIPTOR, false);
            }
            super.visitInsn(opcode);
        }
    }
}
