/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pl-park-feed.h"
#include "pl-park-profile.h"

G_BEGIN_DECLS

#define PL_TYPE_LOT_EDITOR (pl_lot_editor_get_type ())
G_DECLARE_FINAL_TYPE (PlLotEditor, pl_lot_editor, PL, LOT_EDITOR, AdwWindow)

/* Edits one park lot (a new one when config is NULL) next to the other lots
 * ("others", PlParkLotConfig, not modified), which it checks names and slot
 * ranges against. Errors show while typing; Save is disabled while the lot is
 * invalid. Emits "saved" (PlParkLotConfig) on Save, then closes. */
PlLotEditor *pl_lot_editor_new (GtkWindow *parent, const PlParkLotConfig *config,
                                GPtrArray *others);
/* The running lot's manager feed, whose live status the editor shows (NULL:
 * none, e.g. a new lot). */
void pl_lot_editor_set_feed (PlLotEditor *self, PlParkFeed *feed);
/* The lot as the fields describe it now. */
PlParkLotConfig *pl_lot_editor_dup_config (PlLotEditor *self);
/* NULL while the lot is valid. */
const char *pl_lot_editor_get_error (PlLotEditor *self);
gboolean pl_lot_editor_can_save (PlLotEditor *self);
/* What the Save button does; for tests. */
void pl_lot_editor_save (PlLotEditor *self);

G_END_DECLS
