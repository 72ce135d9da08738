/* SPDX-License-Identifier: Apache-2.0 */
/*
 * selkie-pause: the process of a pod's infra container. It holds the pod's namespaces open by
 * doing nothing: it sleeps until SIGTERM or SIGINT (then exits 0), and as PID 1 of a shared PID
 * namespace it reaps the orphans the kernel hands it. Static, so the infra image needs nothing
 * else; no selkie code, so it links against libc alone.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig)
{
	(void)sig;
	_exit(0);
}

static void on_child(int sig)
{
	(void)sig;
	int saved = errno;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	errno = saved;
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* PID 1 gets no default actions in its namespace: every signal it obeys needs a handler. */
	handle(SIGTERM, on_stop);
	handle(SIGINT, on_stop);
	handle(SIGCHLD, on_child);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;)
		pause();
}
