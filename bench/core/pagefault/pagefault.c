// pagefault measures what a first touch of new anonymous memory costs on
// this machine, per 4 KB page: a write to each page of a fresh mapping
// (three rounds), MADV_POPULATE_WRITE over the mapping and then a write to
// each page (three rounds), and a write to each page of a mapping advised
// MADV_HUGEPAGE (two rounds). See ../README.md, "Page faults on this
// machine".
//
//	gcc -O2 -o /tmp/pagefault pagefault.c && /tmp/pagefault
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

enum { SIZE = 256 << 20, PAGE = 4096, HUGE = 2 << 20 };

static double now(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static double touch(char *p) {
	double t = now();
	for (size_t i = 0; i < SIZE; i += PAGE)
		p[i] = 1;
	return (now() - t) * 1e6 / (SIZE / PAGE);
}

int main(void) {
	for (int round = 0; round < 3; round++) {
		char *p = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		printf("round %d, write to each page: %.2f us/page\n", round, touch(p));
		munmap(p, SIZE);
	}
	for (int round = 0; round < 3; round++) {
		char *p = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		double t = now();
		int r = madvise(p, SIZE, MADV_POPULATE_WRITE);
		double pop = (now() - t) * 1e6 / (SIZE / PAGE);
		printf("round %d, MADV_POPULATE_WRITE (result %d): %.2f us/page, then a write to each page: %.2f us/page\n", round, r, pop, touch(p));
		munmap(p, SIZE);
	}
	for (int round = 0; round < 2; round++) {
		char *p = mmap(0, SIZE + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		char *q = (char *)(((unsigned long)p + HUGE - 1) & ~((unsigned long)HUGE - 1));
		int r = madvise(q, SIZE, MADV_HUGEPAGE);
		printf("round %d, MADV_HUGEPAGE (result %d), write to each 4 KB page: %.2f us/page\n", round, r, touch(q));
		munmap(p, SIZE + HUGE);
	}
	return 0;
}
