package io.tokenguard.agent.guard;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

final class RecordingListener implements GuardListener {
    final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    final List<Violation> violations = new CopyOnWriteArrayList<>();
    final List<String> faults = new CopyOnWriteArrayList<>();

    @Override
    public void onRequest(RequestEvent request) {
        outcomes.computeIfAbsent(request.outcome(), k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void onViolation(Violation violation) {
        violations.add(violation);
    }

    @Override
    public void onFault(String stage, Throwable error) {
        faults.add(stage);
    }

    int count(String outcome) {
        AtomicInteger n = outcomes.get(outcome);
        return n == null ? 0 : n.get();
    }
}
