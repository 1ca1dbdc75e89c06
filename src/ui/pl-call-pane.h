/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pl-call.h"

G_BEGIN_DECLS

#define PL_TYPE_CALL_PANE (pl_call_pane_get_type ())
G_DECLARE_FINAL_TYPE (PlCallPane, pl_call_pane, PL, CALL_PANE, GtkWidget)

/* Shows one call (title, address, state, live duration) and its controls.
 * Buttons activate win.* actions; the pane never changes the call itself. */
GtkWidget *pl_call_pane_new (void);
PlCall *pl_call_pane_get_call (PlCallPane *self);
void pl_call_pane_set_call (PlCallPane *self, PlCall *call);
/* Compact: no avatar, for when the keypad needs the room. */
void pl_call_pane_set_compact (PlCallPane *self, gboolean compact);
/* Opens the transfer popover (win.show-transfer); FALSE when the call
 * cannot be transferred now. */
gboolean pl_call_pane_show_transfer (PlCallPane *self);
/* Why Park cannot be used now, for its tooltip; NULL: the plain one. */
void pl_call_pane_set_park_blocker (PlCallPane *self, const char *blocker);

G_END_DECLS
