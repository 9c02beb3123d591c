package dev.unlearn.core.data;

import java.util.List;

/**
 * A forget/retain partition of one dataset, with the rule that produced it. The two lists are
 * disjoint and keep the dataset's order.
 *
 * @param name split name, e.g. {@code forget10}
 * @param forget records to forget
 * @param retain all other records
 * @param rule human-readable rule, e.g. {@code last 10% of 200 entities (20)}; goes into provenance
 */
public record Split<R extends DataRecord>(String name, List<R> forget, List<R> retain, String rule) {
    public Split {
        forget = List.copyOf(forget);
        retain = List.copyOf(retain);
    }

    /** SHA-256 over the rule and the ordered forget and retain ids: cite a split by this digest. */
    public String digest() {
        StringBuilder sb = new StringBuilder(name).append('\n').append(rule).append("\nforget");
        forget.forEach(r -> sb.append(' ').append(r.id()));
        sb.append("\nretain");
        retain.forEach(r -> sb.append(' ').append(r.id()));
        return RecordIds.sha256(sb.toString());
    }
}
