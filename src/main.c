/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pl-application.h"
#include "pl-trace.h"

#include <glib/gi18n.h>
#include <locale.h>

int
main (int argc, char *argv[])
{
  /* UI code and GtkBuilder translate through the default domain, so it must
   * be ours; core code names it explicitly (gi18n-lib.h). */
  pl_trace_mark ("main");
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_autoptr (PlApplication) app = pl_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
