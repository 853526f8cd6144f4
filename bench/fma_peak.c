/*
 * The machine's float32 fused multiply-add peak: each thread runs 12 independent chains of 512-bit
 * FMAs (enough to cover the FMA latency on both pipes) and the figure is FLOPs / wall time.
 * Built and run by fma-peak.sh; needs gcc and AVX-512F.
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 12
#define ITERS 8000000000L

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *run(void *out) {
    __m512 acc[CHAINS];
    const __m512 m = _mm512_set1_ps(0.999999f), a = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float) i);
    for (long k = 0; k < ITERS / CHAINS; k++) {
#pragma GCC unroll 12
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(acc[i], m, a);
    }
    float s = 0;
    for (int i = 0; i < CHAINS; i++) s += _mm512_reduce_add_ps(acc[i]);
    *(float *) out = s;   /* keeps the chains live */
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1 || threads > 64) {
        fprintf(stderr, "threads must be 1..64, found %s\n", argv[1]);
        return 2;
    }
    pthread_t th[64];
    float sink[64];
    double t0 = now();
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&th[i], NULL, run, &sink[i]) != 0) {
            fprintf(stderr, "could not start thread %d of %d\n", i + 1, threads);
            return 1;
        }
    }
    for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
    double dt = now() - t0;
    double flops = (double) (ITERS / CHAINS) * CHAINS * 16 * 2 * threads;
    printf("threads %d: %.1f GFLOP/s float32 FMA (%.2f s)\n", threads, flops / dt / 1e9, dt);
    return sink[0] == 12345.0f;   /* never true; the result must be used */
}
