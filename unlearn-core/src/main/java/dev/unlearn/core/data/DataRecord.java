package dev.unlearn.core.data;

/** What every dataset record offers the split and pairing code: a stable id and, when known, the entity it is about. */
public interface DataRecord {
    /** Stable content-hash id (see {@link RecordIds}); never null. */
    String id();

    /** The entity (for TOFU: the author's full name) this record is about, or null when unknown. */
    String entity();
}
