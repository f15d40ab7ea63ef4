package io.tokenguard.sample;

import io.tokenguard.sample.idp.EmulatedIdp;
import io.tokenguard.sample.idp.IdpOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An app written without any thought for token reuse: it fetches a new token before every API
 * call. Run it bare to see the IdPs push back; run it with the TokenGuard agent to see them not.
 */
public final class SampleApp {
    static final int EXIT_OK = 0;
    static final int EXIT_ERRORS = 2;
    static final int EXIT_USAGE = 64;

    private SampleApp() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        HttpCall.closeUsedClients();
        System.exit(code);
    }

    /** --attach-agent JAR[=ARGS]: attach an agent to this running JVM between rounds 1 and 2. */
    private static void attachAgent(String spec, PrintStream log) {
        int eq = spec.indexOf('=');
        try {
            SelfAttach.attach(eq < 0 ? spec : spec.substring(0, eq), eq < 0 ? null : spec.substring(eq + 1));
        } catch (Exception e) {
            log.println("could not attach " + spec + ": " + e);
        }
    }

    /** Everything main does except exiting, so tests can run the app in-process. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && FleetDemo.COMMAND.equals(args[0])) {
            return FleetDemo.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        AppOptions options;
        try {
            options = AppOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(AppOptions.USAGE);
            return EXIT_USAGE;
        }
        HttpCall.client = options.clientOf(1);
        if (!options.probes.isEmpty()) {
            int probed = Probe.run(options, out);
            if (options.idp == null || probed != 0) {
                return probed;
            }
        }
        if (options.useLibraries) {
            OwnLibraries.use(out);
        }
        try {
            return options.idp == null ? runEmbedded(args, options, out)
                    : runAgainst(args, options.idp, "external", IdpStats.remote(options.idp), options, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("interrupted");
            return EXIT_ERRORS;
        }
    }

    private static int runEmbedded(String[] args, AppOptions options, PrintStream out) throws InterruptedException {
        IdpOptions idpOptions = IdpOptions.defaults().withThreads(Math.max(16, options.threads + 4));
        try (EmulatedIdp idp = EmulatedIdp.start(idpOptions)) {
            return runAgainst(args, idp.baseUrl(), "embedded", IdpStats.of(idp::statsJson), options, out);
        }
    }

    private static int runAgainst(String[] args, String baseUrl, String kind, IdpStats stats, AppOptions options,
            PrintStream out) throws InterruptedException {
        boolean agent = AgentCheck.attached();
        if (!options.quiet) {
            out.println("agent: " + (agent ? "attached" : "not attached"));
            out.println("idp: " + kind + " " + baseUrl);
            out.println("client: " + options.clientOf(1) + " loaded by " + HttpCall.libraryLoader());
        }
        if (options.roundsFromStdin) {
            return StdinRounds.run(args, options, baseUrl, stats, System.in, out);
        }
        Workload workload = new Workload(options, baseUrl);
        Tally total = new Tally(options);
        List<Tally> rounds = new ArrayList<>();
        long started = System.nanoTime();
        ThreadCensus threads = new ThreadCensus();
        Map<String, Integer> first = stats.snapshot();
        Map<String, Integer> before = first;
        for (int round = 1; round <= options.rounds; round++) {
            if (round > 1 && options.roundGapMillis > 0) {
                // Deliberate pacing between rounds, as a batch job would have.
                Thread.sleep(options.roundGapMillis);
                before = stats.snapshot();
            }
            if (round == 2 && options.attachAgent != null) {
                attachAgent(options.attachAgent, out);
            }
            HttpCall.client = options.clientOf(round);
            Tally tally = options.loadSeconds > 0 ? LoadRound.run(workload, options) : workload.runRound();
            Map<String, Integer> after = stats.snapshot();
            IdpStats.apply(tally, before, after);
            before = after;
            rounds.add(tally);
            total.addAll(tally);
            if (!options.quiet && options.rounds > 1) {
                Report.table(out, "round " + round + " (" + options.clientOf(round) + "):", tally);
            }
        }
        IdpStats.apply(total, first, before);
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        if (!options.quiet) {
            Report.table(out, options.rounds > 1 ? "total:" : "result:", total);
        }
        if (options.printMBeans != null) {
            MBeanDump.print(out, options.printMBeans);
        }
        out.println(Report.RESULT_PREFIX + Report.resultJson(agent, total, rounds, options, elapsedMillis,
                threads.startedSinceAndAlive()));
        out.flush();
        return total.errors() == 0 ? EXIT_OK : EXIT_ERRORS;
    }
}
