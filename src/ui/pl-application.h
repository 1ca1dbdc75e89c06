/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pl-core.h"

G_BEGIN_DECLS

#define PL_TYPE_APPLICATION (pl_application_get_type ())
G_DECLARE_FINAL_TYPE (PlApplication, pl_application, PL, APPLICATION, AdwApplication)

/* The production application: a PlCore on the baresip engine. */
PlApplication *pl_application_new (void);

/* The one way core objects reach the UI. The application starts the core at
 * startup (accounts load, engine starts), exports its D-Bus service next to
 * the GApplication object, and stops it at shutdown. */
PlApplication *pl_application_new_with_core (PlCore *core);
/* Same, building the core on engine with the app's GSettings. */
PlApplication *pl_application_new_with_engine (PlEngine *engine);

PlCore *pl_application_get_core (PlApplication *self);
PlCallManager *pl_application_get_call_manager (PlApplication *self);

/* The accelerator table: pairs of detailed action name and NULL-terminated
 * accelerators, terminated by a NULL action. Installed once at startup. */
typedef struct
{
  const char *action;
  const char *accels[3];
} PlAccelEntry;

const PlAccelEntry *pl_application_get_accel_table (guint *n_entries);

G_END_DECLS
