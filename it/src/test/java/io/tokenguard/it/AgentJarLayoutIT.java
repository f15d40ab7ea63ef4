package io.tokenguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import org.junit.jupiter.api.Test;

/** The one jar users attach: its manifest, its relocation, and the bootstrap part inside it. */
class AgentJarLayoutIT {
    @Test
    void everythingLivesUnderTheAgentsOwnPackageOrMetaInf() throws Exception {
        try (JarFile jar = new JarFile(JavaProcess.AGENT_JAR.toFile())) {
            List<String> outside = new ArrayList<>();
            for (JarEntry e : Collections.list(jar.entries())) {
                String name = e.getName();
                if (!name.startsWith("io/tokenguard/") && !name.startsWith("META-INF/") && !name.equals("io/")) {
                    outside.add(name);
                }
            }
            assertThat(outside).as("entries outside io/tokenguard/ and META-INF/").isEmpty();
            assertThat(Collections.list(jar.entries())).extracting(JarEntry::getName)
                    .anyMatch(n -> n.startsWith("io/tokenguard/shaded/net/bytebuddy/"))
                    .anyMatch(n -> n.startsWith("io/tokenguard/shaded/caffeine/"))
                    .anyMatch(n -> n.startsWith("io/tokenguard/shaded/micrometer/"))
                    .anyMatch(n -> n.startsWith("io/tokenguard/shaded/jackson/"))
                    .anyMatch(n -> n.startsWith("io/tokenguard/shaded/bucket4j/"))
                    .noneMatch(n -> n.startsWith("io/tokenguard/bootstrap/"));

            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Premain-Class")).isEqualTo("io.tokenguard.agent.TokenGuardAgent");
            assertThat(main.getValue("Agent-Class")).isEqualTo("io.tokenguard.agent.TokenGuardAgent");
            assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
        }
    }

    @Test
    void theBootstrapPartIsSmallAndJdkOnly() throws Exception {
        try (JarFile jar = new JarFile(JavaProcess.AGENT_JAR.toFile())) {
            JarEntry nested = jar.getJarEntry("META-INF/tokenguard/tokenguard-bootstrap.jar.bin");
            assertThat(nested).isNotNull();
            byte[] bytes;
            try (InputStream in = jar.getInputStream(nested)) {
                bytes = in.readAllBytes();
            }
            assertThat(bytes.length).as("bootstrap jar size").isLessThan(64 * 1024);
            List<String> classes = new ArrayList<>();
            try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bytes))) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    if (e.getName().endsWith(".class")) {
                        classes.add(e.getName());
                    }
                }
            }
            assertThat(classes).isNotEmpty().allMatch(n -> n.startsWith("io/tokenguard/bootstrap/"));
        }
    }
}
