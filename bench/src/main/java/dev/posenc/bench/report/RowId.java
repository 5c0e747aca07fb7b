package dev.posenc.bench.report;

import java.util.List;
import java.util.Optional;

/** A row by kernel and shape, as the report prints them: what guards and targets name. */
public record RowId(String kernel, String shape) {
    Optional<KernelRow> in(List<KernelRow> rows) {
        return rows.stream().filter(r -> r.kernel().equals(kernel) && r.shape().equals(shape)).findFirst();
    }

    @Override
    public String toString() {
        return kernel + " " + shape;
    }
}
