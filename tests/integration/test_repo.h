/*
 * test_repo.h - repositories built with the real git for unit tests: each
 * in a fresh mkdtemp directory with fixed identities and dates, so commit
 * ids are stable, and git's own answers to compare with.
 */
#ifndef LG_TEST_REPO_H
#define LG_TEST_REPO_H

#include "test.h"

#include <stdarg.h>
#include <stdint.h>
#include <unistd.h>

static char repo_dir[256];
static char global_config[300]; /* an empty file beside repo_dir */

/* Runs a shell command in the test repository; returns its exit status.
 * What it printed on standard error is shown when it fails, so that a
 * failing git command says why in the test's output. */
static inline int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline int sh(const char *fmt, ...)
{
	char cmd[8192], errors[300];
	int n, status;
	va_list ap;

	snprintf(errors, sizeof(errors), "%s.stderr", repo_dir);
	n = snprintf(cmd, sizeof(cmd), "cd '%s' && ( ", repo_dir);
	va_start(ap, fmt);
	n += vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	/* No command reads the test's own standard input. */
	snprintf(cmd + n, sizeof(cmd) - (size_t)n, " ) </dev/null >/dev/null 2>'%s'", errors);
	status = system(cmd);
	if (status != 0) {
		snprintf(cmd, sizeof(cmd), "sed 's/^/    | /' '%s' >&2", errors);
		if (system(cmd) != 0)
			fprintf(stderr, "    (no error output)\n");
	}
	unlink(errors);
	return status;
}

/* Everything a shell command run in the test repository prints, without
 * the last newline; malloc'd (never NULL). */
static inline char *sh_all(const char *cmd)
{
	char full[2048], chunk[4096];
	size_t len = 0, n;
	char *out = calloc(1, 1);
	FILE *p;

	snprintf(full, sizeof(full), "cd '%s' && %s", repo_dir, cmd);
	if (!out || !(p = popen(full, "r")))
		return out ? out : calloc(1, 1);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		char *bigger = realloc(out, len + n + 1);

		if (!bigger)
			break;
		out = bigger;
		memcpy(out + len, chunk, n);
		len += n;
		out[len] = '\0';
	}
	pclose(p);
	if (len && out[len - 1] == '\n')
		out[len - 1] = '\0';
	return out;
}

/* The first line a shell command prints in the test repository, copied
 * into `out` (an object id: 41 bytes). */
static inline const char *capture(char out[41], const char *cmd)
{
	char *all = sh_all(cmd);

	all[strcspn(all, "\n")] = '\0';
	snprintf(out, 41, "%s", all);
	free(all);
	return out;
}

/* Git's environment as a hook would see it, cleared so that a test run
 * from inside a hook is not steered elsewhere. */
static const char *const git_env[] = {
	"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
	"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_COMMON_DIR",
	"GIT_CEILING_DIRECTORIES", "GIT_QUARANTINE_PATH",
};

static inline void clear_git_env(void)
{
	size_t i;

	for (i = 0; i < sizeof(git_env) / sizeof(git_env[0]); i++)
		unsetenv(git_env[i]);
}

/* A fresh repository with fixed identities, so commit ids are stable. */
static inline void new_repo(void)
{
	snprintf(repo_dir, sizeof(repo_dir), "/tmp/lg-repo-XXXXXX");
	CHECK(mkdtemp(repo_dir) != NULL);
	clear_git_env();
	setenv("GIT_AUTHOR_NAME", "Ada Author", 1);
	setenv("GIT_AUTHOR_EMAIL", "ada@example.org", 1);
	setenv("GIT_AUTHOR_DATE", "2024-03-01T12:00:00+0100", 1);
	setenv("GIT_COMMITTER_NAME", "Cy Committer", 1);
	setenv("GIT_COMMITTER_EMAIL", "cy@example.org", 1);
	setenv("GIT_COMMITTER_DATE", "2024-03-01T12:00:00+0100", 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	/* The user's own configuration must not change what git writes
	 * (git 2.39 refuses /dev/null here: a file of our own then). No
	 * automatic gc: one detached after a commit would repack under the
	 * test's feet. */
	snprintf(global_config, sizeof(global_config), "%s.gitconfig", repo_dir);
	CHECK_EQ_INT(sh("printf '[gc]\\n\\tauto = 0\\n[maintenance]\\n\\tauto = false\\n' > '%s'",
			global_config), 0);
	setenv("GIT_CONFIG_GLOBAL", global_config, 1);
	CHECK_EQ_INT(sh("git -c init.defaultBranch=main init -q ."), 0);
}

static inline void drop_repo(void)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", repo_dir, global_config);
	CHECK_EQ_INT(system(cmd), 0);
}

static inline void hex(char out[41], const uint8_t id[20])
{
	int i;

	for (i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
}

static inline void unhex(uint8_t id[20], const char *s)
{
	int i;

	for (i = 0; i < 20; i++)
		if (sscanf(s + 2 * i, "%2hhx", &id[i]) != 1)
			id[i] = 0;
}


#endif
