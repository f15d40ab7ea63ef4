package io.tokenguard.agent.instrument;

import java.util.function.UnaryOperator;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The one skeleton of every patch: rewrite the bodies of the instance methods with this name and
 * descriptor, keep everything else byte for byte, and fail if none was found, so a library version
 * that renamed its funnel is reported instead of silently left unguarded. Patches insert straight-line
 * code, or a branch with its own frame, so only max stack/locals are recomputed.
 */
public final class MethodRewriter {
    /** Chooses a method by name and descriptor. */
    public interface Selector {
        boolean selects(String name, String descriptor);
    }

    private MethodRewriter() {
    }

    public static byte[] rewrite(byte[] classfile, Selector selector, UnaryOperator<MethodVisitor> rewrite) {
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        boolean[] found = new boolean[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                if ((access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT)) != 0 || !selector.selects(name, descriptor)) {
                    return mv;
                }
                found[0] = true;
                return rewrite.apply(mv);
            }
        }, 0);
        if (!found[0]) {
            throw new IllegalStateException(reader.getClassName() + " has no method to patch");
        }
        return writer.toByteArray();
    }
}
