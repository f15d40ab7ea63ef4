package io.tokenguard.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One entry of the client matrix: how the sample app talks HTTP, and which library jars it needs. */
public final class Client {
    private static final Path CLIENTS = Paths.get(System.getProperty("tokenguard.it.clients", "target/clients"));

    private final String option;
    private final String library;

    private Client(String option, String library) {
        this.option = option;
        this.library = library;
    }

    /**
     * Every client of the matrix; {@code -Dtokenguard.it.only=apache5-async} narrows a local run to the
     * clients whose name (option@library) contains that text.
     */
    public static List<Client> all() {
        String only = System.getProperty("tokenguard.it.only", "");
        return matrix().stream().filter(c -> c.toString().contains(only)).collect(Collectors.toList());
    }

    /** The whole matrix, whatever tokenguard.it.only says. */
    static List<Client> matrix() {
        return List.of(new Client("urlconnection", null), new Client("jdkhttp", null),
                new Client("jdkhttp-async", null),
                new Client("okhttp", "okhttp-3.14.9"), new Client("okhttp-async", "okhttp-3.14.9"),
                new Client("okhttp", "okhttp-4.12.0"), new Client("okhttp-async", "okhttp-4.12.0"),
                new Client("okhttp", "okhttp-5.5.1"), new Client("okhttp-async", "okhttp-5.5.1"),
                new Client("apache4", "httpclient-4.5.14"), new Client("apache4-handler", "httpclient-4.5.14"),
                new Client("apache5", "httpclient5-5.4.4"), new Client("apache5-handler", "httpclient5-5.4.4"),
                new Client("apache5", "httpclient5-5.6.5"), new Client("apache5-handler", "httpclient5-5.6.5"),
                new Client("apache5-async", "httpclient5-5.4.4"),
                new Client("apache5-async-producer", "httpclient5-5.6.5"),
                new Client("jetty", "jetty-12.0.0"), new Client("jetty-async", "jetty-12.0.0"),
                new Client("jetty", "jetty-12.1.14"), new Client("jetty-async", "jetty-12.1.14"),
                new Client("reactor-netty", "reactor-netty-1.2.16"), new Client("reactor-netty", "reactor-netty-1.3.7"),
                new Client("reactor-netty-webclient", "webflux-6.2.19"),
                new Client("reactor-netty-webclient", "webflux-7.0.10"),
                new Client("vertx", "vertx-4.5.27"), new Client("vertx-webclient", "vertx-4.5.27"),
                new Client("vertx", "vertx-5.0.7"), new Client("vertx-webclient", "vertx-5.0.7"));
    }

    /**
     * Of each client option, the one with the newest library (the matrix lists versions oldest first),
     * and every client of the JDK's own.
     */
    static List<Client> newestOfEach(List<Client> clients) {
        Map<String, Client> newest = new LinkedHashMap<>();
        for (Client c : clients) {
            newest.put(c.option, c);
        }
        return new ArrayList<>(newest.values());
    }

    /** One client of the matrix by its option and library, e.g. ("okhttp", "okhttp-4.12.0"). */
    public static Client of(String option, String library) {
        return new Client(option, library);
    }

    /** The sample app's {@code --client} option: a registered client's name, or its name and a variant. */
    public String option() {
        return option;
    }

    /** The set of jars under target/clients this client needs (e.g. okhttp-4.12.0), or null for the JDK's own. */
    String library() {
        return library;
    }

    /** OkHttp: the sample app adds its own application interceptor (it runs before the agent's). */
    boolean hasApplicationInterceptor() {
        return option.startsWith("okhttp");
    }

    /** OkHttp's network interceptor or an Apache request interceptor: runs once per request on the wire. */
    boolean hasNetworkInterceptor() {
        return option.startsWith("okhttp") || option.startsWith("apache");
    }

    /** The sample app, set up to use this client. */
    JavaProcess applyTo(JavaProcess process) throws IOException {
        if (library != null) {
            process.libraries(jars(library));
        }
        return process.args("--client", option);
    }

    /** The jars of one set under target/clients (a client version, or own-libraries). */
    public static List<Path> jars(String set) throws IOException {
        try (Stream<Path> jars = Files.list(CLIENTS.resolve(set))) {
            return jars.filter(p -> p.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        }
    }


    @Override
    public String toString() {
        return library == null ? option : option + "@" + library;
    }
}
