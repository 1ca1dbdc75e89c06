/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Logs "<what> at <monotonic µs>" at debug level in the "pl-trace" domain
 * (G_MESSAGES_DEBUG=pl-trace): the milestones of start-up and of a park,
 * which bench/desk reads to say where the time went. The clock is the
 * system-wide monotonic one, so marks of two processes compare. Costs one
 * check when the domain is off. Any thread. */
void pl_trace_mark (const char *format, ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
