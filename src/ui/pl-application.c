/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-application"

#include "config.h"

#include <glib/gi18n.h>

#include "pl-application.h"

struct _PlApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (PlApplication, pl_application, ADW_TYPE_APPLICATION)

static void
pl_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (adw_application_window_new (GTK_APPLICATION (app)));
      gtk_window_set_title (window, _ ("Parkline"));
    }
  gtk_window_present (window);
}

static void
pl_application_class_init (PlApplicationClass *klass)
{
  G_APPLICATION_CLASS (klass)->activate = pl_application_activate;
}

static void
pl_application_init (PlApplication *self)
{
}

PlApplication *
pl_application_new (void)
{
  return g_object_new (PL_TYPE_APPLICATION, "application-id", APP_ID, "flags",
                       G_APPLICATION_HANDLES_OPEN | G_APPLICATION_HANDLES_COMMAND_LINE, NULL);
}
