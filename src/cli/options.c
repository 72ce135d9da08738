/* SPDX-License-Identifier: Apache-2.0 */
#include "options.h"

#include <getopt.h>
#include <string.h>

#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define G(field) offsetof(struct cli_global, field)

static const struct cli_option global_options[] = {
	{ "root", 0, CLI_OPT_STRING, G(root),
	  "Path to the graph root directory where images, "
	  "containers, etc. are stored",
	  NULL, 0 },
	{ "runroot", 0, CLI_OPT_STRING, G(runroot),
	  "Path to the 'run directory' where all state "
	  "information is stored",
	  NULL, 0 },
	{ "storage-driver", 0, CLI_OPT_STRING, G(storage_driver),
	  "Select which storage driver is "
	  "used to manage storage of images and containers (overlay, vfs)",
	  NULL, 0 },
	{ "storage-opt", 0, CLI_OPT_STRV, G(storage_opts),
	  "Used to pass an option to the storage "
	  "driver",
	  NULL, 0 },
	{ "log-level", 0, CLI_OPT_STRING, G(log_level),
	  "Log messages above specified level (trace, "
	  "debug, info, warn, error, fatal, panic)",
	  "\"warn\"", 0 },
	{ "runtime", 0, CLI_OPT_STRING, G(runtime),
	  "Path to the OCI-compatible binary used to run "
	  "containers",
	  NULL, 0 },
	{ "registries-conf", 0, CLI_OPT_STRING, G(registries_conf),
	  "Path to a registries.conf to "
	  "use for image processing",
	  NULL, 0 },
	{ "cgroup-manager", 0, CLI_OPT_STRING, G(cgroup_manager),
	  "Cgroup manager to use "
	  "(\"cgroupfs\"|\"systemd\")",
	  "\"cgroupfs\"", 0 },
	{ "events-backend", 0, CLI_OPT_STRING, G(events_backend),
	  "Events backend to use "
	  "(\"file\"|\"none\")",
	  "\"file\"", CLI_OPT_HIDDEN },
	{ "version", 'v', CLI_OPT_BOOL, G(version), "Version of selkie", NULL, CLI_OPT_HIDDEN },
	CLI_OPTIONS_END,
};

static const struct cli_option help_option = {
	"help", 'h', CLI_OPT_BOOL, G(help), "help", NULL, 0
};

const struct cli_option *cli_global_options(void)
{
	return global_options;
}

struct parse_slot {
	const struct cli_option *opt;
	void *base;
};

static size_t count_options(const struct cli_option *o)
{
	size_t n = 0;
	while (o && o[n].long_name)
		n++;
	return n;
}

static int set_value(const struct parse_slot *s, const char *arg, const char *shown,
		     struct sk_error **err)
{
	void *field = (char *)s->base + s->opt->offset;
	switch (s->opt->type) {
	case CLI_OPT_BOOL: {
		bool b = true;
		if (arg && parse_bool(arg, &b) < 0)
			return sk_err_invalid(err,
					      "invalid argument \"%s\" for \"%s\" flag: "
					      "strconv.ParseBool: parsing \"%s\": invalid syntax",
					      arg, shown, arg);
		*(bool *)field = b;
		return 0;
	}
	case CLI_OPT_STRING:
		free(*(char **)field);
		*(char **)field = xstrdup(arg);
		return 0;
	case CLI_OPT_STRV:
		strv_push((char ***)field, arg);
		return 0;
	case CLI_OPT_STRV_CSV: {
		_cleanup_strv_free_ char **parts = strv_split(arg, ",", true);
		STRV_FOREACH (p, parts)
			strv_push((char ***)field, *p);
		return 0;
	}
	case CLI_OPT_INT:
		if (parse_int(arg, (int *)field) < 0)
			return sk_err_invalid(err,
					      "invalid argument \"%s\" for \"%s\" flag: "
					      "strconv.ParseInt: parsing \"%s\": invalid syntax",
					      arg, shown, arg);
		return 0;
	case CLI_OPT_UINT: {
		int v;
		if (parse_int(arg, &v) < 0 || v < 0)
			return sk_err_invalid(err,
					      "invalid argument \"%s\" for \"%s\" flag: "
					      "strconv.ParseUint: parsing \"%s\": invalid syntax",
					      arg, shown, arg);
		*(unsigned *)field = (unsigned)v;
		return 0;
	}
	default:
		return sk_err_internal(err, "option type %d", (int)s->opt->type);
	}
}

static char *shown_name(const struct cli_option *o, bool as_short)
{
	if (as_short && o->short_name)
		return xasprintf("-%c, --%s", o->short_name, o->long_name);
	return xasprintf("--%s", o->long_name);
}

static int report_bad_option(int c, int optopt_val, const char *word, struct parse_slot *slots,
			     size_t nslots, struct sk_error **err)
{
	if (c == ':') {
		for (size_t i = 0; i < nslots; i++)
			if (optopt_val == (int)(256 + i) ||
			    (optopt_val && optopt_val == slots[i].opt->short_name)) {
				if (optopt_val < 256)
					return sk_err_invalid(err,
							      "flag needs an argument: '%c' in -%c",
							      optopt_val, optopt_val);
				return sk_err_invalid(err, "flag needs an argument: --%s",
						      slots[i].opt->long_name);
			}
		return sk_err_invalid(err, "flag needs an argument: %s", word);
	}
	if (optopt_val > 0 && optopt_val < 256)
		return sk_err_invalid(err, "unknown shorthand flag: '%c' in %s", optopt_val, word);
	_cleanup_free_ char *name = xstrdup(word);
	char *eq = strchr(name, '=');
	if (eq)
		*eq = '\0';
	return sk_err_invalid(err, "unknown flag: %s", name);
}

static void add_slot(struct parse_slot *slots, struct option *longs, struct strbuf *shorts,
		     size_t *n, const struct cli_option *o, void *base)
{
	slots[*n] = (struct parse_slot){ .opt = o, .base = base };
	int has_arg = o->type == CLI_OPT_BOOL ? optional_argument : required_argument;
	longs[*n] = (struct option){ o->long_name, has_arg, NULL, (int)(256 + *n) };
	if (o->short_name) {
		strbuf_addch(shorts, o->short_name);
		if (o->type != CLI_OPT_BOOL)
			strbuf_addch(shorts, ':');
	}
	(*n)++;
}

int cli_options_parse(const struct cli_option *options, void *opts, struct cli_global *global,
		      bool stop_at_arg, int argc, char **argv, struct sk_error **err)
{
	size_t nlocal = count_options(options), nglobal = count_options(global_options);
	size_t total = nlocal + nglobal + 1;
	_cleanup_free_ struct parse_slot *slots = xnew(struct parse_slot, total);
	_cleanup_free_ struct option *longs = xnew(struct option, total + 1);
	_cleanup_strbuf_ struct strbuf shorts = STRBUF_INIT;
	strbuf_addstr(&shorts, stop_at_arg ? "+:" : ":");
	size_t n = 0;
	for (size_t i = 0; i < nlocal; i++)
		add_slot(slots, longs, &shorts, &n, &options[i], opts);
	for (size_t i = 0; i < nglobal; i++) {
		/* A command's own option of the same name wins (e.g. `version`). */
		bool shadowed = false;
		for (size_t j = 0; j < nlocal; j++)
			if (streq(options[j].long_name, global_options[i].long_name))
				shadowed = true;
		if (!shadowed)
			add_slot(slots, longs, &shorts, &n, &global_options[i], global);
	}
	add_slot(slots, longs, &shorts, &n, &help_option, global);

	for (size_t i = 0; i < nlocal; i++)
		if (options[i].type == CLI_OPT_BOOL && (options[i].flags & CLI_OPT_DEFAULT_TRUE))
			*(bool *)((char *)opts + options[i].offset) = true;
	/* pflag takes "-H=false" for a short bool; getopt does not: spell it long. */
	_cleanup_strv_free_ char **rewritten = NULL;
	for (int a = 1; a < argc; a++) {
		const char *w = argv[a];
		if (streq(w, "--"))
			break;
		if (w[0] != '-' || w[1] == '-' || !w[1] || w[2] != '=')
			continue;
		for (size_t i = 0; i < n; i++)
			if (slots[i].opt->short_name == w[1] &&
			    slots[i].opt->type == CLI_OPT_BOOL) {
				strv_push_take(&rewritten,
					       xasprintf("--%s%s", slots[i].opt->long_name, w + 2));
				argv[a] = rewritten[strv_length(rewritten) - 1];
				break;
			}
	}
	optind = 0;
	opterr = 0;
	for (;;) {
		int prev = optind ? optind : 1;
		int c = getopt_long(argc, argv, shorts.buf, longs, NULL);
		if (c == -1)
			break;
		const char *word = argv[prev < argc ? prev : argc - 1];
		if (c == '?' || c == ':')
			return report_bad_option(c, optopt, word, slots, n, err);
		size_t idx = n;
		if (c >= 256) {
			idx = (size_t)(c - 256);
		} else {
			/* A command's own short flag comes first and wins over a global one
			 * (`system df -v` is --verbose, not --version). */
			for (size_t i = 0; i < n && idx == n; i++)
				if (slots[i].opt->short_name == c)
					idx = i;
		}
		if (idx >= n)
			return sk_err_internal(err, "option parser: unexpected %d", c);
		_cleanup_free_ char *shown = shown_name(slots[idx].opt, false);
		int r = set_value(&slots[idx], optarg, shown + 2, err);
		if (r < 0)
			return r;
	}
	return optind;
}

void cli_options_free(const struct cli_option *options, void *opts)
{
	for (size_t i = 0; options && options[i].long_name; i++) {
		void *field = (char *)opts + options[i].offset;
		switch (options[i].type) {
		case CLI_OPT_STRING:
			free(*(char **)field);
			*(char **)field = NULL;
			break;
		case CLI_OPT_STRV:
		case CLI_OPT_STRV_CSV:
			strv_free(*(char ***)field);
			*(char ***)field = NULL;
			break;
		default:
			break;
		}
	}
}

void cli_global_free(struct cli_global *g)
{
	cli_options_free(global_options, g);
}

static const char *type_word(enum cli_opt_type t)
{
	switch (t) {
	case CLI_OPT_STRING:
		return "string";
	case CLI_OPT_STRV:
		return "stringArray";
	case CLI_OPT_STRV_CSV:
		return "strings";
	case CLI_OPT_INT:
		return "int";
	case CLI_OPT_UINT:
		return "uint";
	default:
		return NULL;
	}
}

static char *option_left_column(const struct cli_option *o)
{
	const char *tw = type_word(o->type);
	if (o->short_name)
		return xasprintf("  -%c, --%s%s%s", o->short_name, o->long_name, tw ? " " : "",
				 tw ? tw : "");
	return xasprintf("      --%s%s%s", o->long_name, tw ? " " : "", tw ? tw : "");
}

void cli_options_print_help(const struct cli_option *options, FILE *out)
{
	size_t n = count_options(options), width = 0;
	/* Sorted by long name, as cobra lists them. */
	_cleanup_free_ const struct cli_option **sorted = xnew(const struct cli_option *, n);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!(options[i].flags & CLI_OPT_HIDDEN))
			sorted[m++] = &options[i];
	for (size_t i = 1; i < m; i++)
		for (size_t j = i;
		     j > 0 && strcmp(sorted[j - 1]->long_name, sorted[j]->long_name) > 0; j--) {
			const struct cli_option *t = sorted[j];
			sorted[j] = sorted[j - 1];
			sorted[j - 1] = t;
		}
	for (size_t i = 0; i < m; i++) {
		_cleanup_free_ char *l = option_left_column(sorted[i]);
		width = MAX(width, strlen(l));
	}
	for (size_t i = 0; i < m; i++) {
		_cleanup_free_ char *l = option_left_column(sorted[i]);
		fprintf(out, "%-*s   %s", (int)width, l, sorted[i]->help);
		if (sorted[i]->default_text)
			fprintf(out, " (default %s)", sorted[i]->default_text);
		fputc('\n', out);
	}
}
