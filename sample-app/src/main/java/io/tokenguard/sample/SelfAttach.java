package io.tokenguard.sample;

import com.sun.tools.attach.VirtualMachine;

/**
 * Attaches a Java agent to this very JVM while it runs (the runtime-attach path of an agent's
 * agentmain). Needs -Djdk.attach.allowAttachSelf=true. Used by the sample app's
 * --attach-after-round option to show classes loaded before the agent being guarded too.
 */
final class SelfAttach {
    private SelfAttach() {
    }

    static void attach(String agentJar, String agentArgs) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
        try {
            vm.loadAgent(agentJar, agentArgs);
        } finally {
            vm.detach();
        }
    }
}
