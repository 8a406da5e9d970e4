/*
 * hook_settings.c - the hook settings an administrator keeps in git config
 * (leakgate.timeout, leakgate.onError, ...): their option and key names,
 * their getopt entries, which `leakgate hook` and `leakgate install` share,
 * and how a value is read and checked, naming where it came from. What a
 * setting then does is the hook's (cmd_hook.c); install only writes it.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const on_error_words[] = { "reject", "allow", NULL };
static const char *const inline_allow_words[] = { "refuse", "honour", "honor", NULL };

const hook_setting hook_settings[HOOK_SETTING_COUNT] = {
	[HOOK_SETTING_RULES] = { "rules", "leakgate.rules", HOOK_VALUE_PATH, NULL },
	[HOOK_SETTING_TIMEOUT] = { "timeout", "leakgate.timeout", HOOK_VALUE_SECONDS, NULL },
	[HOOK_SETTING_ON_ERROR] = { "on-error", "leakgate.onError", HOOK_VALUE_CHOICE,
				    on_error_words },
	[HOOK_SETTING_LOG] = { "log", "leakgate.log", HOOK_VALUE_PATH, NULL },
	[HOOK_SETTING_ALLOW_PUSH_OPTION] = { "allow-push-option", "leakgate.allowPushOption",
					     HOOK_VALUE_FLAG, NULL },
	[HOOK_SETTING_IGNORE_FILE] = { "ignore-file", "leakgate.ignoreFile", HOOK_VALUE_PATH,
				       NULL },
	[HOOK_SETTING_VERIFY] = { "verify", "leakgate.verify", HOOK_VALUE_FLAG, NULL },
	[HOOK_SETTING_INLINE_ALLOW] = { "inline-allow", "leakgate.inlineAllow", HOOK_VALUE_CHOICE,
					inline_allow_words },
};

size_t hook_setting_getopt(struct option *out, const struct option *extra)
{
	size_t n = 0;
	int i;

	for (i = 0; i < HOOK_SETTING_COUNT; i++)
		out[n++] = (struct option){ hook_settings[i].option,
					    hook_settings[i].kind == HOOK_VALUE_FLAG ?
					    no_argument : required_argument, NULL, i };
	for (; extra && extra->name; extra++)
		out[n++] = *extra;
	out[n] = (struct option){ NULL, 0, NULL, 0 };
	return n;
}

/* git's spellings of a boolean; -1 for anything else. */
static int parse_bool(const char *v)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0", "" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
	for (i = 0; i < sizeof(no) / sizeof(*no); i++)
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	return -1;
}

/* The index of `v` among `words`; -1 when it is none of them. */
static int word_index(const char *const *words, const char *v)
{
	int i;

	for (i = 0; words[i]; i++)
		if (strcmp(words[i], v) == 0)
			return i;
	return -1;
}

int hook_setting_parse(hook_setting_value *out, hook_setting_id id, const char *value,
		       int from_config)
{
	const hook_setting *s = &hook_settings[id];
	char source[64];
	char *end;

	memset(out, 0, sizeof(*out));
	if (from_config)
		snprintf(source, sizeof(source), "git config %s", s->config);
	else
		snprintf(source, sizeof(source), "--%s", s->option);
	switch (s->kind) {
	case HOOK_VALUE_SECONDS:
		out->seconds = strtod(value, &end);
		if (end != value && !*end && out->seconds >= 0 && out->seconds <= 86400)
			return 0;
		cli_error("%s takes seconds, not '%s'", source, value);
		return -1;
	case HOOK_VALUE_FLAG:
		if ((out->on = parse_bool(value)) >= 0)
			return 0;
		cli_error("%s takes true or false, not '%s'", source, value);
		return -1;
	case HOOK_VALUE_CHOICE:
		/* The first word is "off"; any other, "on". */
		if ((out->on = word_index(s->words, value)) >= 0) {
			out->on = out->on > 0;
			return 0;
		}
		cli_error("%s takes '%s' or '%s', not '%s'", source, s->words[0], s->words[1], value);
		return -1;
	case HOOK_VALUE_PATH:
		if (*value)
			return 0;
		cli_error("%s names no file", source);
		return -1;
	}
	return -1;
}

int hook_setting_check(hook_setting_id id, const char *value)
{
	hook_setting_value ignored;

	return hook_setting_parse(&ignored, id, value, 0);
}
