package dev.posenc.bench.report;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** A measurement with given rates (median and best per counter), standing in for a JMH result. */
record FakeMeasurement(String method, Optional<String> impl, Map<String, String> shapeParams,
                       Map<String, Double> rates, Map<String, Double> bests, Map<String, Double> perCalls)
        implements Measurement {

    /** One counter whose best iteration equals its median. */
    static FakeMeasurement of(String method, String impl, Map<String, String> params, String counter, double perSecond,
                              double perCall) {
        return new FakeMeasurement(method, Optional.ofNullable(impl), params, Map.of(counter, perSecond),
                Map.of(counter, perSecond), Map.of(counter, perCall));
    }

    @Override
    public double perSecond(String counter) {
        return rates.get(counter);
    }

    @Override
    public double bestPerSecond(String counter) {
        return bests.get(counter);
    }

    @Override
    public double perCall(String counter) {
        return perCalls.get(counter);
    }

    @Override
    public OptionalDouble allocationPerCall() {
        return OptionalDouble.of(0);
    }
}
