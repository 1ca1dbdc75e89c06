/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-history-row"

#include "config.h"

#include <glib/gi18n.h>

#include "pl-history-format.h"
#include "pl-util.h"
#include "pl-history-row.h"
#include "pl-ui-util.h"

struct _PlHistoryRow
{
  GtkWidget parent_instance;

  PlHistoryEntry *entry;
  gboolean expanded;

  GtkWidget *box;
  GtkLabel *day_label;
  GtkWidget *call_box;
  GtkImage *direction_icon;
  GtkLabel *title_label;
  GtkLabel *outcome_label;
  GtkWidget *number_separator;
  GtkLabel *number_label;
  GtkLabel *park_label;
  GtkLabel *transfer_label;
  GtkLabel *time_label;
  GtkLabel *duration_label;
  GtkWidget *expand_icon;
  GtkWidget *call_button;
  GtkWidget *timeline_box;
};

G_DEFINE_FINAL_TYPE (PlHistoryRow, pl_history_row, GTK_TYPE_WIDGET)

static gboolean
is_missed (PlHistoryEntry *entry)
{
  return pl_history_entry_get_end (entry) == PL_CALL_END_MISSED;
}

static void
update (PlHistoryRow *self)
{
  PlHistoryEntry *entry = self->entry;
  const char *title, *number, *uri, *outcome, *icon, *direction_text;
  g_autofree char *time = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *label = NULL;
  gboolean missed, show_number;

  if (entry == NULL)
    {
      gtk_label_set_label (self->title_label, "");
      gtk_label_set_label (self->outcome_label, "");
      gtk_label_set_label (self->time_label, "");
      gtk_label_set_label (self->duration_label, "");
      gtk_widget_set_visible (self->call_button, FALSE);
      return;
    }

  title = pl_history_entry_get_title (entry);
  number = pl_history_entry_get_peer_number (entry);
  uri = pl_history_entry_get_peer_uri (entry);
  outcome = pl_history_entry_get_outcome_label (entry);
  missed = is_missed (entry);

  if (missed)
    {
      icon = "call-missed-symbolic";
      direction_text = _ ("Missed call");
    }
  else if (pl_history_entry_get_direction (entry) == PL_CALL_DIRECTION_OUTGOING)
    {
      icon = "call-outgoing-symbolic";
      direction_text = _ ("Outgoing call");
    }
  else
    {
      icon = "call-incoming-symbolic";
      direction_text = _ ("Incoming call");
    }
  gtk_image_set_from_icon_name (self->direction_icon, icon);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->direction_icon), direction_text);
  pl_ui_set_css_class (self->direction_icon, "error", missed);

  gtk_label_set_label (self->title_label, title ? title : _ ("Unknown caller"));
  gtk_label_set_label (self->outcome_label, outcome ? outcome : "");
  pl_ui_set_css_class (self->outcome_label, "error", missed);
  pl_ui_set_css_class (self->outcome_label, "dim-label", !missed);

  /* The number says something only when the title is a name. */
  show_number = number != NULL && *number != '\0' && g_strcmp0 (number, title) != 0;
  gtk_label_set_label (self->number_label, show_number ? number : "");
  gtk_widget_set_visible (GTK_WIDGET (self->number_label), show_number);
  gtk_widget_set_visible (self->number_separator, show_number);

  time = pl_history_format_time (pl_history_entry_get_started (entry));
  gtk_label_set_label (self->time_label, time);
  if (pl_history_entry_get_duration (entry) > 0)
    duration = pl_format_duration (pl_history_entry_get_duration (entry));
  gtk_label_set_label (self->duration_label, duration ? duration : "");
  gtk_widget_set_visible (GTK_WIDGET (self->duration_label), duration != NULL);

  gtk_widget_set_visible (self->call_button, uri != NULL && *uri != '\0');
  if (uri != NULL && *uri != '\0')
    {
      g_autofree char *button_label = g_strdup_printf (_ ("Call %s back"), title ? title : uri);
      /* Target before name: a name without its target would not match the
       * action's parameter type. */
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->call_button), "s", uri);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->call_button), "win.call-number");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->call_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, button_label, -1);
    }

  /* Read as one phrase: "Alice, Missed call, 10:02". */
  label = g_strdup_printf ("%s, %s, %s, %s", title ? title : "", direction_text,
                           outcome ? outcome : "", time);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->call_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
}

static void
pl_history_row_dispose (GObject *object)
{
  PlHistoryRow *self = PL_HISTORY_ROW (object);

  g_clear_object (&self->entry);
  gtk_widget_dispose_template (GTK_WIDGET (self), PL_TYPE_HISTORY_ROW);
  G_OBJECT_CLASS (pl_history_row_parent_class)->dispose (object);
}

static void
pl_history_row_class_init (PlHistoryRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pl_history_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parkline/Parkline/pl-history-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, box);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, day_label);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, call_box);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, direction_icon);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, outcome_label);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, number_separator);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, park_label);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, transfer_label);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, duration_label);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, expand_icon);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, call_button);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryRow, timeline_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "historyrow");
}

static void
pl_history_row_init (PlHistoryRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pl_history_row_new (void)
{
  return g_object_new (PL_TYPE_HISTORY_ROW, NULL);
}

/* Returns: (transfer none) (nullable) */
PlHistoryEntry *
pl_history_row_get_entry (PlHistoryRow *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ROW (self), NULL);
  return self->entry;
}

void
pl_history_row_set_entry (PlHistoryRow *self, PlHistoryEntry *entry)
{
  g_return_if_fail (PL_IS_HISTORY_ROW (self));
  g_return_if_fail (entry == NULL || PL_IS_HISTORY_ENTRY (entry));

  g_set_object (&self->entry, entry);
  update (self);
}

void
pl_history_row_set_day (PlHistoryRow *self, const char *header)
{
  g_return_if_fail (PL_IS_HISTORY_ROW (self));

  gtk_label_set_label (self->day_label, header ? header : "");
  gtk_widget_set_visible (GTK_WIDGET (self->day_label), header != NULL);
}

void
pl_history_row_set_park_summary (PlHistoryRow *self, const char *text)
{
  g_return_if_fail (PL_IS_HISTORY_ROW (self));

  gtk_label_set_label (self->park_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->park_label), text != NULL);
  /* Only a parked call has a timeline to open. */
  gtk_widget_set_visible (self->expand_icon, text != NULL);
}

void
pl_history_row_set_transfer_summary (PlHistoryRow *self, const char *text)
{
  g_return_if_fail (PL_IS_HISTORY_ROW (self));
  gtk_label_set_label (self->transfer_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->transfer_label), text != NULL);
}

void
pl_history_row_set_timeline (PlHistoryRow *self, GPtrArray *events)
{
  GtkWidget *child;

  g_return_if_fail (PL_IS_HISTORY_ROW (self));

  while ((child = gtk_widget_get_first_child (self->timeline_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->timeline_box), child);

  self->expanded = events != NULL;
  if (events != NULL)
    {
      for (guint i = 0; i < events->len; i++)
        {
          g_autofree char *text = pl_history_format_park_event (g_ptr_array_index (events, i));
          GtkWidget *line = gtk_label_new (text);

          gtk_label_set_xalign (GTK_LABEL (line), 0);
          gtk_label_set_wrap (GTK_LABEL (line), TRUE);
          gtk_widget_add_css_class (line, "caption");
          gtk_widget_add_css_class (line, "history-event");
          gtk_box_append (GTK_BOX (self->timeline_box), line);
        }
      if (events->len == 0)
        {
          GtkWidget *line = gtk_label_new (_ ("No park events were recorded for this call."));
          gtk_label_set_xalign (GTK_LABEL (line), 0);
          gtk_widget_add_css_class (line, "caption");
          gtk_widget_add_css_class (line, "dim-label");
          gtk_box_append (GTK_BOX (self->timeline_box), line);
        }
    }
  gtk_widget_set_visible (self->timeline_box, self->expanded);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->expand_icon),
                                self->expanded ? "pan-up-symbolic" : "pan-down-symbolic");
  /* Only a row with a timeline can be opened at all. */
  if (gtk_widget_get_visible (self->expand_icon))
    gtk_accessible_update_state (GTK_ACCESSIBLE (self->call_box), GTK_ACCESSIBLE_STATE_EXPANDED,
                                 self->expanded, -1);
  else
    gtk_accessible_reset_state (GTK_ACCESSIBLE (self->call_box), GTK_ACCESSIBLE_STATE_EXPANDED);
}

gboolean
pl_history_row_get_expanded (PlHistoryRow *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ROW (self), FALSE);
  return self->expanded;
}
