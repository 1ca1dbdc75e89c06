/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-dialpad"

#include "config.h"

#include <glib/gi18n.h>

#include "pl-dialpad.h"

struct _PlDialpad
{
  GtkWidget parent_instance;

  GtkWidget *grid;
};

G_DEFINE_FINAL_TYPE (PlDialpad, pl_dialpad, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_PRESSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct
{
  const char *key;
  const char *letters;
  const char *accessible_name; /* for keys whose symbol a screen reader may skip */
} keys[] = {
  { "1", "", NULL },     { "2", "ABC", NULL },     { "3", "DEF", NULL },  { "4", "GHI", NULL },
  { "5", "JKL", NULL },  { "6", "MNO", NULL },     { "7", "PQRS", NULL }, { "8", "TUV", NULL },
  { "9", "WXYZ", NULL }, { "*", "", N_ ("Star") }, { "0", "+", NULL },    { "#", "", N_ ("Hash") },
};

static void
press_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_PRESSED], 0, g_variant_get_string (parameter, NULL));
}

static GtkWidget *
make_key (guint index)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *digit = gtk_label_new (keys[index].key);
  /* An empty letters line keeps all keys the same height. */
  GtkWidget *letters = gtk_label_new (*keys[index].letters ? keys[index].letters : " ");

  gtk_widget_add_css_class (digit, "dialpad-digit");
  gtk_widget_add_css_class (letters, "dialpad-letters");
  gtk_widget_add_css_class (letters, "caption");
  gtk_widget_add_css_class (letters, "dim-label");
  gtk_box_append (GTK_BOX (box), digit);
  gtk_box_append (GTK_BOX (box), letters);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "dialpad-key");
  gtk_widget_set_focus_on_click (button, FALSE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "dialpad.press");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", keys[index].key);
  gtk_widget_set_name (button, keys[index].key);
  gtk_accessible_update_property (
      GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
      keys[index].accessible_name ? _ (keys[index].accessible_name) : keys[index].key, -1);
  gtk_widget_set_tooltip_text (button, keys[index].key);
  return button;
}

static void
pl_dialpad_dispose (GObject *object)
{
  PlDialpad *self = PL_DIALPAD (object);

  g_clear_pointer (&self->grid, gtk_widget_unparent);
  G_OBJECT_CLASS (pl_dialpad_parent_class)->dispose (object);
}

static void
pl_dialpad_class_init (PlDialpadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pl_dialpad_dispose;

  signals[SIGNAL_PRESSED] = g_signal_new ("pressed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "dialpad.press", "s", press_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "dialpad");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pl_dialpad_init (PlDialpad *self)
{
  self->grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (self->grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (self->grid), 8);
  gtk_grid_set_row_homogeneous (GTK_GRID (self->grid), TRUE);
  gtk_grid_set_column_homogeneous (GTK_GRID (self->grid), TRUE);
  gtk_widget_set_halign (self->grid, GTK_ALIGN_CENTER);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_grid_attach (GTK_GRID (self->grid), make_key (i), (int)(i % 3), (int)(i / 3), 1, 1);
  gtk_widget_set_parent (self->grid, GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Dial pad"), -1);
}

GtkWidget *
pl_dialpad_new (void)
{
  return g_object_new (PL_TYPE_DIALPAD, NULL);
}
