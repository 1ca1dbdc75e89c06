/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pl-call.h"

G_BEGIN_DECLS

#define PL_TYPE_CALL_ROW (pl_call_row_get_type ())
G_DECLARE_FINAL_TYPE (PlCallRow, pl_call_row, PL, CALL_ROW, GtkWidget)

/* One line of the call list; rebound by the list factory, so "call" changes. */
GtkWidget *pl_call_row_new (void);
PlCall *pl_call_row_get_call (PlCallRow *self);
void pl_call_row_set_call (PlCallRow *self, PlCall *call);

/* Lets the user drag the call that get_call (owner) returns onto a park
 * slot; used by call rows and the call pane. */
void pl_call_add_drag_source (GtkWidget *widget, PlCall *(*get_call) (gpointer owner),
                              gpointer owner);

G_END_DECLS
