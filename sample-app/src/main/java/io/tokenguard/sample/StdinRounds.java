package io.tokenguard.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * --rounds-from-stdin: the app waits for its orders, so something outside (a test, the fleet demo)
 * can release several JVMs of it at the same moment and look at them between rounds. It prints
 * {@code SAMPLE-READY} (after one warm-up request that is not a token request), then reads one line at a
 * time:
 * <ul>
 *   <li>{@code go} (or an empty line): one round with the command line's options;</li>
 *   <li>options, e.g. {@code --users bob --threads 2}: one round with these on top of the command line's;</li>
 *   <li>{@code mbeans DOMAIN}: the {@code SAMPLE-MBEAN} / {@code SAMPLE-GAUGE} lines of that JMX domain now,
 *       then {@code SAMPLE-MBEANS-END};</li>
 *   <li>{@code quit} or the end of the input: exit, 0 when no round had an error, else 2.</li>
 * </ul>
 * After each round one {@code SAMPLE-ROUND {...}} line (the {@code SAMPLE-RESULT} object of that round;
 * its {@code idpCalls} are the IdP's counts over the round, whoever else asked meanwhile), then
 * {@code SAMPLE-READY} again. A line that does not parse gets {@code SAMPLE-ROUND-ERROR <message>}.
 */
final class StdinRounds {
    static final String READY = "SAMPLE-READY";
    static final String ROUND_PREFIX = "SAMPLE-ROUND ";
    static final String ROUND_ERROR_PREFIX = "SAMPLE-ROUND-ERROR ";
    static final String MBEANS_END = "SAMPLE-MBEANS-END";

    private StdinRounds() {
    }

    static int run(String[] args, AppOptions base, String baseUrl, IdpStats stats, InputStream input,
            PrintStream out) throws InterruptedException {
        boolean agent = AgentCheck.attached();
        int errors = 0;
        BufferedReader in = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
        warmUp(baseUrl);
        ready(out);
        while (true) {
            String line;
            try {
                line = in.readLine();
            } catch (IOException e) {
                break;
            }
            if (line == null || "quit".equals(line.trim())) {
                break;
            }
            line = line.trim();
            if (line.startsWith("mbeans ")) {
                MBeanDump.print(out, line.substring("mbeans ".length()).trim());
                out.println(MBEANS_END);
                out.flush();
                continue;
            }
            AppOptions round;
            try {
                round = line.isEmpty() || "go".equals(line) ? base : AppOptions.parse(concat(args, line));
            } catch (IllegalArgumentException e) {
                out.println(ROUND_ERROR_PREFIX + e.getMessage());
                ready(out);
                continue;
            }
            HttpCall.client = round.clientOf(1);
            Workload workload = new Workload(round, baseUrl);
            Map<String, Integer> before = stats.snapshot();
            long started = System.nanoTime();
            Tally tally = round.loadSeconds > 0 ? LoadRound.run(workload, round) : workload.runRound();
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            IdpStats.apply(tally, before, stats.snapshot());
            errors += tally.errors();
            if (!round.quiet) {
                Report.table(out, "round:", tally);
            }
            out.println(ROUND_PREFIX + Report.resultJson(agent, tally, List.of(tally), round, elapsedMillis, List.of()));
            ready(out);
        }
        return errors == 0 ? SampleApp.EXIT_OK : SampleApp.EXIT_ERRORS;
    }

    /**
     * One request that is not a token request, so that the first round times the app's token requests
     * rather than the loading of its HTTP client's classes.
     */
    private static void warmUp(String baseUrl) {
        try {
            HttpCall.get(baseUrl + "/api/echo", Map.of());
        } catch (IOException e) {
            // The rounds will say what is wrong with the IdP.
        }
    }

    private static void ready(PrintStream out) {
        out.println(READY);
        out.flush();
    }

    /** The command line's arguments, then the line's (later wins), split at white space. */
    private static String[] concat(String[] args, String line) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        for (String word : line.split("\\s+")) {
            if (!word.isEmpty()) {
                all.add(word);
            }
        }
        return all.toArray(new String[0]);
    }
}
