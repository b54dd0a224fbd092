/* Hand-written C reference for the 20-species network Jacobian (dense,
   row-major J[i*20+j], table-driven over reactions as a C programmer would
   write it), timed like peers/w4_rhs.c: median ns per evaluation of 7
   samples, gcc -O3 -march=native. Also times the peer's straight-line RHS.
   Prints JSON lines: {"case":..., "ns_per_eval":median}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "network20_gen.h"

static double now(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec + 1e-9 * ts.tv_nsec; }
static int cmpd(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
#define NS 7

__attribute__((noinline)) static void net_jac_table(const double *restrict x, double *restrict J) {
  memset(J, 0, sizeof(double) * NET_NS * NET_NS);
  for (int r = 0; r < NET_NR; r++) {
    int a = net_re[r][0], b = net_re[r][1];
    /* d rate / d x_a and d rate / d x_b */
    double da = b >= 0 ? net_k[r] * x[b] : net_k[r];
    double db = b >= 0 ? net_k[r] * x[a] : 0.0;
    int sp[4] = {net_re[r][0], net_re[r][1], net_pr[r][0], net_pr[r][1]};
    for (int q = 0; q < 4; q++) {
      int s = sp[q];
      if (s < 0) continue;
      double sg = q < 2 ? -1.0 : 1.0;
      J[s * NET_NS + a] += sg * da;
      if (b >= 0) J[s * NET_NS + b] += sg * db;
    }
  }
}

int main(void) {
  double x[NET_NS], dx[NET_NS], J[NET_NS * NET_NS], smp[NS], chk = 0;
  for (int i = 0; i < NET_NS; i++) x[i] = 1.0 + 0.01 * i;
  long R = 2000000;
  const char *names[2] = {"net20_rhs_straightline", "net20_jac_dense_table"};
  for (int c = 0; c < 2; c++) {
    for (int s = 0; s < NS; s++) {
      double t0 = now();
      for (long r = 0; r < R; r++) {
        if (c == 0) { net_rhs_straight(0.0, x, dx); chk += dx[r % NET_NS]; }
        else { net_jac_table(x, J); chk += J[r % 400]; }
      }
      smp[s] = (now() - t0) / R * 1e9;
    }
    qsort(smp, NS, sizeof(double), cmpd);
    printf("{\"case\": \"%s\", \"ns_per_eval\": %.4g}\n", names[c], smp[NS / 2]);
  }
  fprintf(stderr, "checksum %g\n", chk);
  return 0;
}
