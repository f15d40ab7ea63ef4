package io.tokenguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.it.hostile.HostileCases;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every client the built agent registers (its {@code Clients} table, read from the agent jar itself)
 * is in every black-box matrix: the sample app's {@code --client} options, the client scenarios
 * ({@link Client#all()}), the fail-open runs ({@link FailOpenIT#ADAPTERS}) and the hostile corpus. A
 * client added to the table and forgotten in one of them fails here, by name.
 */
class ClientMatrixIT {
    private static List<String> registered;

    @BeforeAll
    static void readTheAgentsTable(@TempDir Path dir) throws Exception {
        Path bootstrap = dir.resolve("bootstrap.jar");
        try (JarFile jar = new JarFile(JavaProcess.AGENT_JAR.toFile());
             InputStream in = jar.getInputStream(jar.getJarEntry("META-INF/tokenguard/tokenguard-bootstrap.jar.bin"))) {
            Files.copy(in, bootstrap);
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {JavaProcess.AGENT_JAR.toUri().toURL(),
            bootstrap.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> clients = Class.forName("io.tokenguard.agent.instrument.Clients", true, loader);
            registered = Arrays.asList((String[]) clients.getMethod("names").invoke(null));
        }
        assertThat(registered).contains("urlconnection", "jdkhttp", "okhttp", "apache4", "apache5", "apache5-async");
    }

    private static Set<String> missing(Iterable<String> matrix) {
        Set<String> missing = new TreeSet<>(registered);
        for (String option : matrix) {
            missing.remove(option);
        }
        return missing;
    }

    @Test
    void theSampleAppCanUseEveryRegisteredClient() throws Exception {
        Field field = Class.forName("io.tokenguard.sample.AppOptions").getDeclaredField("CLIENTS");
        field.setAccessible(true);
        assertThat(missing(Arrays.asList((String[]) field.get(null)))).as("missing from the sample app's --client")
                .isEmpty();
    }

    @Test
    void theClientScenariosRunEveryRegisteredClient() {
        assertThat(missing(Client.matrix().stream().map(Client::option).collect(Collectors.toList())))
                .as("missing from Client.matrix() (ClientScenariosIT)").isEmpty();
    }

    @Test
    void theFailOpenRunsCoverEveryRegisteredClient() {
        assertThat(missing(FailOpenIT.ADAPTERS)).as("missing from FailOpenIT.ADAPTERS").isEmpty();
    }

    @Test
    void theHostileCorpusCoversEveryRegisteredClient() {
        assertThat(missing(HostileCases.clients())).as("missing from the hostile corpus (HostileCases)").isEmpty();
    }
}
