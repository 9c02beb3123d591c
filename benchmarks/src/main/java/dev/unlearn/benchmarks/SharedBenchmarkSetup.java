package dev.unlearn.benchmarks;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What {@link ModelBenchmark} and {@link MethodBenchmark} measure under, so that their figures stay
 * comparable: one benchmark-wide state, one forked JVM, offline, libtorch limited to 2 intra-op threads
 * and 1 inter-op thread, 2 GiB heap. JMH reads these class annotations from the superclass; each
 * benchmark adds its mode, unit, warm-up and measurement.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=2",
        "-Dai.djl.pytorch.num_interop_threads=1", "-Xmx2g"})
public abstract class SharedBenchmarkSetup {}
