/*
 * LD_PRELOAD shim for NpoMemory: counts the process's live malloc'd bytes (malloc_usable_size of every
 * block allocated and not yet freed, through malloc, calloc, realloc, posix_memalign, aligned_alloc,
 * memalign, valloc) and their peak. libtorch's CPU allocator takes its tensors from posix_memalign, so
 * this is the peak of live tensor bytes plus the JVM's and libraries' own native blocks (not the Java
 * heap, which the JVM maps directly).
 *
 * The two counters {live, peak} are shared through the file /dev/shm/unlearn-malloc.<pid>: the Java side
 * maps it, reads them, and resets the peak by writing the live value into it.
 *
 * Build: gcc -O2 -shared -fPIC -o malloc_peak.so malloc_peak.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static long local_counters[2];
static long *counters = local_counters;

static void add(void *p) {
  if (p) {
    long n = (long) malloc_usable_size(p);
    long live = __atomic_add_fetch(&counters[0], n, __ATOMIC_RELAXED);
    long peak = __atomic_load_n(&counters[1], __ATOMIC_RELAXED);
    while (live > peak && !__atomic_compare_exchange_n(&counters[1], &peak, live, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
  }
}

static void sub(void *p) {
  if (p) {
    __atomic_sub_fetch(&counters[0], (long) malloc_usable_size(p), __ATOMIC_RELAXED);
  }
}

__attribute__((constructor)) static void share(void) {
  char path[64];
  snprintf(path, sizeof path, "/dev/shm/unlearn-malloc.%d", (int) getpid());
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || ftruncate(fd, 4096) != 0) {
    return;
  }
  long *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (m == MAP_FAILED) {
    return;
  }
  m[0] = local_counters[0];
  m[1] = local_counters[1];
  counters = m;
}

__attribute__((destructor)) static void unshare(void) {
  char path[64];
  snprintf(path, sizeof path, "/dev/shm/unlearn-malloc.%d", (int) getpid());
  unlink(path);
}

void *malloc(size_t n) { void *p = __libc_malloc(n); add(p); return p; }
void *calloc(size_t a, size_t b) { void *p = __libc_calloc(a, b); add(p); return p; }
void free(void *p) { sub(p); __libc_free(p); }
void *realloc(void *q, size_t n) {
  sub(q);
  void *p = __libc_realloc(q, n);
  if (p) { add(p); } else if (q && n) { add(q); }
  return p;
}
void *memalign(size_t a, size_t n) { void *p = __libc_memalign(a, n); add(p); return p; }
void *aligned_alloc(size_t a, size_t n) { return memalign(a, n); }
void *valloc(size_t n) { return memalign((size_t) getpagesize(), n); }
int posix_memalign(void **out, size_t a, size_t n) {
  void *p = __libc_memalign(a, n);
  if (!p) { return 12; /* ENOMEM */ }
  add(p);
  *out = p;
  return 0;
}
