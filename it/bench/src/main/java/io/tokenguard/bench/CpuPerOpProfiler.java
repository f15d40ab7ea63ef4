package io.tokenguard.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time the whole benchmark JVM used per operation (client, in-process server, agent, GC, JIT).
 * On a machine shared with other work, wall time per operation mostly measures the scheduler; the
 * CPU a JVM burns per request hardly depends on how long it waited for a core, so agent/none ratios of
 * this number stay meaningful where the timings do not.
 */
public final class CpuPerOpProfiler implements InternalProfiler {
    static final String NAME = "cpu.per.op";
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private long startNanos;

    @Override
    public String getDescription() {
        return "process CPU time per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        startNanos = OS.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long used = OS.getProcessCpuTime() - startNanos;
        long ops = result.getMetadata() == null ? 0 : result.getMetadata().getMeasuredOps();
        double perOp = ops == 0 ? Double.NaN : used / 1000.0 / ops;
        return List.of(new ScalarResult(NAME, perOp, "µs/op", AggregationPolicy.AVG));
    }
}
