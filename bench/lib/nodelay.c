/*
 * LD_PRELOAD shim for the Kannel comparison: sets TCP_NODELAY on every TCP socket the process connects.
 * bearerbox writes to its SMSC with Nagle's algorithm on; with receipts, a lone deliver_sm_resp then holds
 * its next PDUs until the SMSC's delayed ACK (about 40 ms on Linux), once per window. The bench runs
 * Kannel as shipped and, with this shim, freed of that stall, so a ratio is never taken against a peer
 * that waits on its own socket.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  static int (*real_connect)(int, const struct sockaddr *, socklen_t);
  if (!real_connect) real_connect = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
  if (addr && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6)) {
    int one = 1, saved = errno;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* fails harmlessly on a non-TCP socket */
    errno = saved;
  }
  return real_connect(fd, addr, len);
}
