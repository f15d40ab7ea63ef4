package io.tokenguard.sample;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parsed command line; {@link #parse} throws IllegalArgumentException with a user-facing message. */
final class AppOptions {
    static final String USAGE = String.join("\n",
            "usage: java -jar sample-app.jar [--idp URL] [--provider eloqua|twitter|both|google|entra|dpop] [--threads N]",
            "         [--iterations N] [--users alice,bob,alice:WRONG] [--password-of alice=WRONG] [--api true|false]",
            "         [--rounds N] [--round-gap-ms MS] [--consumer sample-consumer[,other-consumer]] [--quiet]",
            "         [--service-account-key FILE[,FILE]]  (--provider google: Google JSON key files, a row each)",
            "         [--entra-credential FILE[,FILE]]     (--provider entra: certificate credentials, a row each)",
            "         [--dpop-keys N]                      (--provider dpop: N DPoP keys, a row each; default 1)",
            "         [--fresh-scope]               (every Eloqua token request asks for a scope no other one did)",
            "         [--rounds-from-stdin]         (print SAMPLE-READY, then run one round per line read: \"go\" or",
            "                                        options for that round; \"mbeans DOMAIN\"; \"quit\" or end of input ends)",
            "         [--load-seconds N]            (each round: every thread repeats its iteration for N s)",
            "         [--print-mbeans DOMAIN]       (at the end, print the Count of every MBean in DOMAIN)",
            "         [--eloqua-path /auth/oauth2/token] [--twitter-path /oauth2/token]   (token paths on the IdP)",
            "         [--attach-agent JAR[=ARGS]]   (after round 1; with -Djdk.attach.allowAttachSelf=true)",
            "         [--use-libraries]             (first use the app's own Byte Buddy, Caffeine, Jackson, Micrometer)",
            "         [--client urlconnection|jdkhttp|jdkhttp-async|okhttp|okhttp-async|apache4|apache4-handler|apache5|apache5-handler",
            "                  |apache5-async|apache5-async-producer|jetty|jetty-async|reactor-netty|reactor-netty-webclient|vertx|vertx-webclient]",
            "                                        (a comma list: one round per client, in that order)",
            "       java -jar sample-app.jar --probe '[METHOD ]URL[ BODY]' ... [--method GET|POST] [--body TEXT]",
            "         [--client ...] [--idp URL ...]   (--probe repeats; with --idp the workload runs after the probes)",
            "       java -jar sample-app.jar fleet [--jvms N] [--agent JAR] [--no-fleet] [workload options]",
            "         (one Redis, one emulated IdP and N agent-attached JVMs of this app sharing it: see FleetDemo)");

    /**
     * okhttp* needs OkHttp (3.x, 4.x or 5.x), apache4* HttpClient 4.5, apache5* HttpClient 5.x, jetty* Jetty 12's
     * HttpClient (and Java 17), reactor-netty Reactor Netty 1.2 or 1.3, reactor-netty-webclient also Spring
     * WebFlux 6.2 or 7.0 (and Java 17), vertx Vert.x 4.5 or 5.0's vertx-core, vertx-webclient also its
     * vertx-web-client on the class path.
     */
    static final String[] CLIENTS = {"urlconnection", "jdkhttp", "jdkhttp-async", "okhttp", "okhttp-async", "apache4",
        "apache4-handler", "apache5", "apache5-handler", "apache5-async", "apache5-async-producer", "jetty",
        "jetty-async", "reactor-netty", "reactor-netty-webclient", "vertx", "vertx-webclient"};

    String idp;
    List<String> providers = List.of("eloqua", "twitter");
    int threads = 8;
    int iterations = 25;
    List<String> users = List.of("alice", "bob");
    final Map<String, String> passwords = new LinkedHashMap<>();
    boolean api = true;
    int rounds = 1;
    long roundGapMillis;
    /** JAR[=ARGS] of an agent to attach at runtime after round 1 (needs -Djdk.attach.allowAttachSelf=true). */
    String attachAgent;
    /** Use the app's own Byte Buddy, Caffeine, Jackson and Micrometer first (co-existence checks). */
    boolean useLibraries;
    /** Every Eloqua token request asks for a scope of its own, so none can be answered with another's token. */
    boolean freshScope;
    /** Rounds on command: one per line read from stdin (see {@link StdinRounds}). */
    boolean roundsFromStdin;
    String consumer = Credentials.DEFAULT_CONSUMER;
    /** --service-account-key FILE[,FILE]: the Google service accounts of --provider google, a row each. */
    List<ServiceAccountKey> serviceAccountKeys = List.of();
    /** --entra-credential FILE[,FILE]: the certificate credentials of --provider entra, a row each. */
    List<CertificateCredential> entraCredentials = List.of();
    /** --dpop-keys N: the DPoP keys of --provider dpop (made anew for each run or stdin round), a row each. */
    List<DpopKey> dpopKeys = List.of();
    String eloquaPath = "/auth/oauth2/token";
    String twitterPath = "/oauth2/token";
    /** The HTTP clients to use; with more than one, round N uses the Nth (one JVM exercises several adapters). */
    List<String> clients = List.of("urlconnection");
    boolean quiet;
    /** Load mode: a round lasts this many seconds instead of --iterations; 0 = off. */
    int loadSeconds;
    /** JMX domain whose MBeans are printed at the end (SAMPLE-MBEAN lines), or null. */
    String printMBeans;
    /** Each {@code [METHOD ]URL[ BODY]}; METHOD and BODY default to --method and --body. */
    final List<String> probes = new ArrayList<>();
    String method = "GET";
    String body;

    /**
     * A --users entry is a user name, or {@code name:password} to sign that user in with another
     * password (so one run can mix a user's right and wrong passwords as separate rows).
     */
    static String userName(String entry) {
        int colon = entry.indexOf(':');
        return colon < 0 ? entry : entry.substring(0, colon);
    }

    /** How a --users entry is shown: {@code alice:WRONG} as {@code alice:***}, never with its password. */
    static String label(String entry) {
        int colon = entry.indexOf(':');
        return colon < 0 ? entry : entry.substring(0, colon) + ":***";
    }

    String passwordOf(String entry) {
        int colon = entry.indexOf(':');
        if (colon >= 0) {
            return entry.substring(colon + 1);
        }
        return passwords.getOrDefault(entry, Credentials.defaultPassword(entry));
    }

    static AppOptions parse(String[] args) {
        AppOptions o = new AppOptions();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if ("--use-libraries".equals(arg)) {
                o.useLibraries = true;
                continue;
            }
            if ("--fresh-scope".equals(arg)) {
                o.freshScope = value == null || bool(arg, value);
                continue;
            }
            if ("--rounds-from-stdin".equals(arg)) {
                o.roundsFromStdin = true;
                continue;
            }
            if ("--quiet".equals(arg)) {
                o.quiet = value == null || bool(arg, value);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + arg);
                }
                value = args[++i];
            }
            o.set(arg, value);
        }
        o.check();
        return o;
    }

    private void set(String name, String value) {
        switch (name) {
            case "--idp":
                idp = stripSlash(value);
                break;
            case "--provider":
                providers = provider(value);
                break;
            case "--threads":
                threads = number(name, value, 1);
                break;
            case "--iterations":
                iterations = number(name, value, 0);
                break;
            case "--client":
                clients = list(value);
                for (String c : clients) {
                    if (!java.util.Arrays.asList(CLIENTS).contains(c)) {
                        throw new IllegalArgumentException("--client wants one of " + String.join(", ", CLIENTS)
                                + " (or a comma list of them), got " + c);
                    }
                }
                break;
            case "--users":
                users = list(value);
                break;
            case "--password-of":
                for (String pair : list(value)) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--password-of wants user=password, got " + pair);
                    }
                    passwords.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
                break;
            case "--api":
                api = bool(name, value);
                break;
            case "--rounds":
                rounds = number(name, value, 1);
                break;
            case "--attach-agent":
                attachAgent = value;
                break;
            case "--round-gap-ms":
                roundGapMillis = number(name, value, 0);
                break;
            case "--load-seconds":
                loadSeconds = number(name, value, 1);
                break;
            case "--print-mbeans":
                printMBeans = value;
                break;
            case "--eloqua-path":
                eloquaPath = path(name, value);
                break;
            case "--twitter-path":
                twitterPath = path(name, value);
                break;
            case "--consumer":
                consumer = value;
                break;
            case "--entra-credential":
                List<CertificateCredential> credentials = new ArrayList<>();
                for (String file : list(value)) {
                    credentials.add(CertificateCredential.read(java.nio.file.Paths.get(file)));
                }
                entraCredentials = Collections.unmodifiableList(credentials);
                break;
            case "--dpop-keys":
                List<DpopKey> dk = new ArrayList<>();
                for (int k = number(name, value, 1); k > 0; k--) {
                    dk.add(new DpopKey());
                }
                dpopKeys = Collections.unmodifiableList(dk);
                break;
            case "--service-account-key":
                List<ServiceAccountKey> keys = new ArrayList<>();
                for (String file : list(value)) {
                    keys.add(ServiceAccountKey.read(java.nio.file.Paths.get(file)));
                }
                serviceAccountKeys = Collections.unmodifiableList(keys);
                break;
            case "--probe":
                probes.add(value);
                break;
            case "--method":
                method = value.toUpperCase(java.util.Locale.ROOT);
                break;
            case "--body":
                body = value;
                break;
            default:
                throw new IllegalArgumentException("unknown option " + name);
        }
    }

    /** The Twitter consumer keys, one row each: {@code --consumer} is one key or a comma list of them. */
    List<String> consumers() {
        return list(consumer);
    }

    /** The client of a round (1-based): with several clients, one round each. */
    String clientOf(int round) {
        return clients.get((round - 1) % clients.size());
    }

    private void check() {
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("--client must name at least one client");
        }
        if (clients.size() > 1) {
            if (rounds != 1 && rounds != clients.size()) {
                throw new IllegalArgumentException("--rounds must be " + clients.size() + " (one per client) with --client "
                        + String.join(",", clients));
            }
            rounds = clients.size();
        }
        if (providers.contains("eloqua") && users.isEmpty()) {
            throw new IllegalArgumentException("--users must name at least one user");
        }
        if (providers.contains("dpop") && dpopKeys.isEmpty()) {
            dpopKeys = List.of(new DpopKey());
        }
        if (providers.contains("entra") && entraCredentials.isEmpty()) {
            throw new IllegalArgumentException("--provider entra needs --entra-credential FILE[,FILE]");
        }
        if (providers.contains("google") && serviceAccountKeys.isEmpty()) {
            throw new IllegalArgumentException("--provider google needs --service-account-key FILE[,FILE]");
        }
        if (consumers().isEmpty()) {
            throw new IllegalArgumentException("--consumer must not be empty");
        }
    }

    private static List<String> provider(String value) {
        switch (value) {
            case "eloqua":
                return List.of("eloqua");
            case "twitter":
                return List.of("twitter");
            case "both":
                return List.of("eloqua", "twitter");
            case "google":
            case "entra":
            case "dpop":
                return List.of(value);
            default:
                throw new IllegalArgumentException("--provider must be eloqua, twitter, both, google, entra or dpop, got "
                        + value);
        }
    }

    private static List<String> list(String value) {
        List<String> items = new ArrayList<>();
        for (String s : value.split(",")) {
            if (!s.trim().isEmpty()) {
                items.add(s.trim());
            }
        }
        return Collections.unmodifiableList(items);
    }

    private static int number(String name, String value, int min) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " wants a number, got " + value);
        }
        if (n < min) {
            throw new IllegalArgumentException(name + " must be at least " + min);
        }
        return n;
    }

    private static boolean bool(String name, String value) {
        if ("true".equalsIgnoreCase(value)) {
            return true;
        }
        if ("false".equalsIgnoreCase(value)) {
            return false;
        }
        throw new IllegalArgumentException(name + " wants true or false, got " + value);
    }

    private static String path(String name, String value) {
        if (!value.startsWith("/")) {
            throw new IllegalArgumentException(name + " wants a path starting with /, got " + value);
        }
        return value;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
