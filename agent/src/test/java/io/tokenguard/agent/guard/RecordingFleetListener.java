package io.tokenguard.agent.guard;

import io.tokenguard.agent.fleet.FleetListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** What fleet mode told telemetry, for the assertions. */
final class RecordingFleetListener implements FleetListener {
    final List<String> states = new CopyOnWriteArrayList<>();
    final List<String> leaseWaits = new CopyOnWriteArrayList<>();
    final List<Throwable> faults = new CopyOnWriteArrayList<>();
    final AtomicInteger secondLevelHits = new AtomicInteger();
    final AtomicInteger failedCalls = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void onFleetState(boolean fleet, String why) {
        states.add(fleet ? "fleet" : "local-only");
    }

    @Override
    public void onRedisCall(String op, boolean ok, long nanos) {
        calls.incrementAndGet();
        if (!ok) {
            failedCalls.incrementAndGet();
        }
    }

    @Override
    public void onLeaseWait(String outcome, long nanos) {
        leaseWaits.add(outcome);
    }

    @Override
    public void onSecondLevelHit() {
        secondLevelHits.incrementAndGet();
    }

    @Override
    public void onFleetFault(Throwable error) {
        faults.add(error);
    }
}
