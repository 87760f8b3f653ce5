/*
 * The cheapest on-time open-loop HTTP client this machine allows: the yardstick for what pacing
 * costs, whoever writes the generator. One keep-alive connection, one thread; before each request
 * it sleeps to the request's intended time (clock_nanosleep, absolute), writes a fixed GET and
 * blocks reading the answer. Every request costs two wake-ups of an idle thread (the sleep's end,
 * the answer's arrival): the minimum for sends that are each on time. No batching, no event loop,
 * no allocation.
 *
 * Usage: paced-floor PORT RATE WARMUP_MS DURATION_MS
 * Prints one line: BENCH_JSON {"requests":…,"cpuMs":…,"wallMs":…,"lateP50Us":…,"lateP99Us":…}
 * over the measured window (CPU of the whole process, from getrusage).
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static double cpu_ms(void) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e3 + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e3;
}

static int cmp(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return (x > y) - (x < y);
}

/* Sends requests first..last-1 at their intended times; records lateness when `late` is set. */
static int run(int fd, long long start_ns, double gap_ns, long first, long last, long long *late) {
  static const char req[] = "GET / HTTP/1.1\r\nHost: floor\r\n\r\n";
  char buf[4096];
  for (long i = first; i < last; i++) {
    long long due = start_ns + (long long)(i * gap_ns);
    struct timespec t = {due / 1000000000LL, due % 1000000000LL};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) != 0) {}
    long long sent = now_ns();
    if (late) late[i - first] = sent - due;
    if (write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1)) return -1;
    /* One answer: headers, then Content-Length bytes of body (the fixed target's is tiny). */
    size_t have = 0;
    for (;;) {
      ssize_t k = read(fd, buf + have, sizeof buf - 1 - have);
      if (k <= 0) return -1;
      have += (size_t)k;
      buf[have] = 0;
      char *end = strstr(buf, "\r\n\r\n"), *len = strcasestr(buf, "content-length:");
      if (end && len && have >= (size_t)(end + 4 - buf) + strtoul(len + 15, NULL, 10)) break;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: paced-floor PORT RATE WARMUP_MS DURATION_MS\n");
    return 2;
  }
  int port = atoi(argv[1]);
  double rate = atof(argv[2]);
  long warm = (long)(rate * atof(argv[3]) / 1000), n = (long)(rate * atof(argv[4]) / 1000);
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    perror("paced-floor: connect");
    return 1;
  }
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  long long *late = malloc(sizeof *late * (size_t)(n > 0 ? n : 1));
  double gap = 1e9 / rate;
  long long start = now_ns() + 1000000;
  if (run(fd, start, gap, 0, warm, NULL) != 0) goto fail;
  double cpu0 = cpu_ms();
  long long wall0 = now_ns();
  if (run(fd, start, gap, warm, warm + n, late) != 0) goto fail;
  double cpu = cpu_ms() - cpu0, wall = (now_ns() - wall0) / 1e6;
  qsort(late, (size_t)n, sizeof *late, cmp);
  printf("BENCH_JSON {\"requests\":%ld,\"cpuMs\":%.3f,\"wallMs\":%.3f,\"lateP50Us\":%.1f,\"lateP99Us\":%.1f}\n", n, cpu, wall,
         late[n / 2] / 1e3, late[(long)(n * 0.99)] / 1e3);
  return 0;
fail:
  perror("paced-floor: the connection failed");
  return 1;
}
