package io.tokenguard.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every registered client has its contract test (a subclass of {@link ClientContractTest}), and no other. */
class ContractCoverageTest {
    @Test
    void everyRegisteredClientHasAContractTest() throws Exception {
        Path root = Paths.get(ContractCoverageTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> classes;
        try (Stream<Path> files = Files.walk(root)) {
            classes = files.map(p -> root.relativize(p).toString())
                    .filter(n -> n.endsWith("ContractTest.class") && !n.contains("$"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.').replace('\\', '.'))
                    .collect(Collectors.toList());
        }
        TreeSet<String> tested = new TreeSet<>();
        for (String name : classes) {
            Class<?> c = Class.forName(name);
            if (ClientContractTest.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())) {
                Constructor<?> ctor = c.getDeclaredConstructor();
                ctor.setAccessible(true);
                Method clientName = ClientContractTest.class.getDeclaredMethod("clientName");
                clientName.setAccessible(true);
                tested.add((String) clientName.invoke(ctor.newInstance()));
            }
        }
        assertThat(tested).containsExactlyInAnyOrderElementsOf(Arrays.asList(Clients.names()));
    }
}
