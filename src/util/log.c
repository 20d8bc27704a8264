#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "util/log.h"

static const char *log_prog = "postpanel";

void log_init(const char *progname)
{
	log_prog = progname;
}

static void log_v(const char *level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "%s[%ld]: %s: %s\n", log_prog, (long)getpid(), level, line);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_v("info", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_v("warning", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_v("error", fmt, ap);
	va_end(ap);
}
