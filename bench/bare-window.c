/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bare-window"

#include <adwaita.h>
#include <stdio.h>

/* The floor for bench/desk: the least a libadwaita application does to show
 * a window of Parkline's size with a header bar, and nothing else. It prints
 * "first-frame <monotonic µs>" once its first frame is painted, the same
 * moment Parkline logs, then idles until it is terminated. Its steps go out
 * as Parkline's pl-trace marks of the same names do, so that the bench
 * shows where each program spends its start. */

static void
mark (const char *what)
{
  printf ("pl-trace-DEBUG: bare: %s at %" G_GINT64_FORMAT " us\n", what, g_get_monotonic_time ());
}

static void
after_paint_cb (GdkFrameClock *clock, gpointer user_data)
{
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, user_data);
  mark ("first frame");
  printf ("first-frame %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  fflush (stdout);
}

static void
realize_cb (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb),
                    NULL);
}

static void
startup_cb (GApplication *app)
{
  mark ("toolkit started");
}

static void
activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *page = adw_status_page_new ();

  gtk_window_set_title (GTK_WINDOW (window), "Bare");
  gtk_window_set_default_size (GTK_WINDOW (window), 760, 680);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  adw_status_page_set_title (ADW_STATUS_PAGE (page), "Bare libadwaita window");
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), NULL);
  mark ("window built");
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autoptr (AdwApplication) app = NULL;

  mark ("main");
  app = adw_application_new ("io.github.parkline.BareWindow", G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  g_signal_connect_after (app, "startup", G_CALLBACK (startup_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
