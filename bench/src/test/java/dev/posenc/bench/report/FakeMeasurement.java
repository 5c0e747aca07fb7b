package dev.posenc.bench.report;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** A measurement with given rates and counts per call, standing in for a JMH result. */
record FakeMeasurement(String method, Optional<String> impl, Map<String, String> shapeParams, Map<String, Rate> rates,
                       Map<String, Double> perCalls, double allocation, double calls) implements Measurement {

    /** One counter with the given rate and count per call, allocating nothing over 1000 calls per iteration. */
    static FakeMeasurement of(String method, String impl, Map<String, String> params, String counter, Rate rate, double perCall) {
        return new FakeMeasurement(method, Optional.ofNullable(impl), params, Map.of(counter, rate), Map.of(counter, perCall), 0, 1000);
    }

    /** The same with a second counter. */
    FakeMeasurement and(String counter, Rate rate, double perCall) {
        Map<String, Rate> r = new java.util.HashMap<>(rates);
        r.put(counter, rate);
        Map<String, Double> p = new java.util.HashMap<>(perCalls);
        p.put(counter, perCall);
        return new FakeMeasurement(method, impl, shapeParams, Map.copyOf(r), Map.copyOf(p), allocation, calls);
    }

    /** The same allocating {@code bytes} per call over {@code calls} calls per iteration. */
    FakeMeasurement allocating(double bytes, double calls) {
        return new FakeMeasurement(method, impl, shapeParams, rates, perCalls, bytes, calls);
    }

    @Override
    public Rate rate(String counter) {
        return rates.get(counter);
    }

    @Override
    public double perCall(String counter) {
        return perCalls.get(counter);
    }

    @Override
    public boolean has(String counter) {
        return rates.containsKey(counter);
    }

    @Override
    public OptionalDouble allocationPerCall() {
        return OptionalDouble.of(allocation);
    }

    @Override
    public double callsPerIteration() {
        return calls;
    }
}
