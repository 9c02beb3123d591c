/*
 * MKL-on-AMD dispatch shim, preloaded by bin/unlearn when UNLEARN_MKL_AMD=1 on an AMD CPU.
 *
 * libtorch's CPU build (the one DJL serves from Maven) links Intel MKL for its float32 matrix products.
 * MKL picks its kernels by asking mkl_serv_intel_cpu_true() whether the CPU is Intel; on AMD the answer is
 * 0 and MKL runs a generic code path whatever the CPU supports (no AVX-512 kernels on an AVX-512 EPYC).
 * libtorch_cpu.so exports that function and calls it through its PLT, so a definition preloaded ahead of it
 * wins. With the answer 1 MKL selects its kernels from the CPUID feature bits, as it does on Intel.
 *
 * The products stay IEEE float32 with fused multiply-adds; only the kernels (blocking, summation order)
 * change, so results change in the last bits, as they do between any two CPUs. Measured in
 * benchmarks/README.md ("MKL on AMD").
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
