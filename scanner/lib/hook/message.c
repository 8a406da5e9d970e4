/*
 * message.c - what a hook prints when it refuses a push or a commit.
 *
 * git shows a pre-receive hook's stderr to the pusher as "remote:" lines,
 * so every block is short, names the commit, path and line, never the
 * secret in full, and the message ends with what to do about it.
 */
#include "hook/hook.h"
#include "report/report.h"

#include <string.h>

/* The server's: the commits are on their way in, and the exemptions it
 * honours are reviewed ones, not what the push itself adds. */
static const char push_advice[] =
	"\n"
	"What to do:\n"
	"  1. Remove the secret from the commit that added it and from every later\n"
	"     commit of the push (git commit --amend for the last one, git rebase -i\n"
	"     COMMIT^ for an older one), then push again.\n"
	"  2. Rotate the credential now: it has left your machine, treat it as leaked.\n"
	"  3. Not a secret? The server honours only reviewed exemptions: land its\n"
	"     fingerprint in .leakgateignore on the default branch first (a change\n"
	"     to that file inside this push counts from the next push on), or ask\n"
	"     an administrator.\n";

/* pre-push's: nothing has been sent yet. */
static const char pre_push_advice[] =
	"\n"
	"What to do:\n"
	"  1. The secret has not left this machine yet: rewrite the commits before\n"
	"     pushing. Remove it from the commit that added it and from every later\n"
	"     one (git commit --amend for the last one, git rebase -i COMMIT^ for an\n"
	"     older one), then push again.\n"
	"  2. If the credential was ever shared some other way, rotate it.\n"
	"  3. Not a secret? Add its fingerprint to .leakgateignore, or end the line\n"
	"     with a 'leakgate:allow' comment (a server running leakgate honours\n"
	"     only the .leakgateignore of its default branch).\n";

static const char commit_advice[] =
	"\n"
	"What to do:\n"
	"  1. Take the secret out of the staged files (read it from the environment or\n"
	"     a secret store instead), 'git add' the result and commit again.\n"
	"  2. If the credential was ever pushed or shared, rotate it.\n"
	"  3. Not a secret? Add its fingerprint to .leakgateignore, or end the line\n"
	"     with a 'leakgate:allow' comment.\n";

/* One block: where, which rule, the secret redacted, the fingerprint. */
static int append_block(lg_buf *b, const lg_finding *f, const lg_report_options *o)
{
	char redacted[LG_REPORT_REDACTED_MAX];
	const char *secret;
	size_t len;
	int err = 0;

	secret = lg_report__secret(redacted, &len, f, o);
	/* Live first: the one thing that cannot wait for the rewrite. */
	if (f->verification.status == LG_VERIFY_LIVE) {
		err = lg_buf__puts(b, "  this credential is live: rotate it now");
		if (!err && f->verification.identity) {
			err = lg_buf__puts(b, " (it belongs to ");
			if (!err)
				err = lg_report__escape(b, f->verification.identity,
							strlen(f->verification.identity));
			if (!err)
				err = lg_buf__puts(b, ")");
		}
		if (!err)
			err = lg_buf__puts(b, "\n");
	}
	if (err)
		return err;
	if (f->commit[0])
		err = lg_buf__printf(b, "  commit %.12s  ", f->commit);
	else
		err = lg_buf__puts(b, "  ");
	if (!err)
		err = lg_report__escape(b, f->path ? f->path : "", f->path ? strlen(f->path) : 0);
	if (!err)
		err = lg_buf__printf(b, ":%zu\n    %s (%s): ", f->line, f->rule->name, f->rule->id);
	if (!err)
		err = lg_report__escape(b, secret, len);
	if (!err && f->decoded)
		err = lg_buf__printf(b, " (decoded: %s)", f->decoded);
	if (!err && f->unconfirmed)
		err = lg_buf__printf(b, "\n    UNCONFIRMED: %s; refused because it could not be "
				     "checked", f->unconfirmed);
	if (!err)
		err = lg_buf__printf(b, "\n    fingerprint %s\n", f->fingerprint);
	return err;
}

int lg_report__hook(FILE *f, const lg_report *r, const lg_report_options *o)
{
	int push = o->format != LG_FORMAT_COMMIT_REJECTION;
	const char *advice = o->format == LG_FORMAT_PUSH_REJECTION ? push_advice :
			     o->format == LG_FORMAT_PRE_PUSH_REJECTION ? pre_push_advice :
			     commit_advice;
	lg_buf b = LG_BUF_INIT;
	size_t i, live;
	int err;

	for (i = 0, live = 0; i < r->count; i++)
		live += r->findings[i].verification.status == LG_VERIFY_LIVE;
	err = 0;
	if (live)
		err = lg_buf__printf(&b, "leakgate: this credential is live: rotate it now "
				     "(%zu live credential%s below)\n", live, live == 1 ? "" : "s");
	if (!err)
		err = lg_buf__printf(&b, "leakgate: %s rejected: %zu secret%s in the %s\n\n",
				     push ? "push" : "commit", r->count, r->count == 1 ? "" : "s",
				     push ? "pushed commits" : "staged changes");
	for (i = 0; i < r->count && !err; i++) {
		err = append_block(&b, &r->findings[i], o);
		if (!err)
			err = lg_report__flush(f, &b);
	}
	if (!err)
		err = lg_buf__puts(&b, advice);
	if (!err)
		err = lg_report__flush(f, &b);
	lg_buf__release(&b);
	return err;
}
