/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* First thing in every thread of our own (see pl-thread.c). Apart from
 * pl-util.h because the libre thread cannot include that (libre has its
 * own pl_set_str()). */
void pl_thread_started (void);

G_END_DECLS
