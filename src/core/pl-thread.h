/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* First thing in every thread of our own (see pl-thread.c). Apart from
 * pl-util.h because the libre thread cannot include that (libre has its
 * own pl_set_str()). */
void pl_thread_started (void);

/* The priority at which our worker threads hand their results to the main
 * thread: G_PRIORITY_DEFAULT, or G_PRIORITY_DEFAULT_IDLE while deliveries
 * are deferred (the window's first frame is being built: GTK draws it at
 * GDK_PRIORITY_REDRAW, between the two). */
int pl_thread_delivery_priority (void);
void pl_thread_defer_deliveries (gboolean deferred);

G_END_DECLS
