/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PL_TYPE_DIALPAD (pl_dialpad_get_type ())
G_DECLARE_FINAL_TYPE (PlDialpad, pl_dialpad, PL, DIALPAD, GtkWidget)

/* Twelve phone keys. Knows nothing about calls: a press emits "pressed"
 * (const char *key) and the owner decides whether it dials or sends DTMF. */
GtkWidget *pl_dialpad_new (void);

G_END_DECLS
