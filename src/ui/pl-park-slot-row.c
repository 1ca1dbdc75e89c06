/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-park-slot-row"

#include "config.h"

#include <glib/gi18n.h>

#include "pl-park-slot-row.h"
#include "pl-util.h"
#include "pl-sip-uri.h"
#include "pl-ui-util.h"

/* Below this many seconds before the ring-back the countdown turns to the
 * warning colour: time to pick up or tell the caller. */
#define WARN_SECONDS 10

struct _PlParkSlotRow
{
  GtkListBoxRow parent_instance;

  PlParkLot *lot;
  PlParkSlot *slot;

  GtkLabel *number_label;
  GtkLabel *name_label;
  GtkImage *warning_icon;
  GtkLabel *time_label;
  GtkLabel *detail_label;
  GtkBox *text_box;
  /* Built the first time the slot is occupied (ensure_occupied_parts): a
   * lot is mostly free slots, and these were half of each row's widgets
   * before the first frame. */
  GtkLevelBar *countdown;
  GtkWidget *retrieve_button;
};

G_DEFINE_FINAL_TYPE (PlParkSlotRow, pl_park_slot_row, GTK_TYPE_LIST_BOX_ROW)

static const char *const state_classes[] = { "free", "parking", "occupied", "returning", "stale" };

static gboolean
shows_time (PlParkSlotState state)
{
  return state == PL_PARK_SLOT_OCCUPIED || state == PL_PARK_SLOT_RETURNING;
}

static char *
caller_number (PlParkSlot *slot)
{
  const char *uri = pl_park_slot_get_caller_uri (slot);

  if (uri == NULL || pl_park_slot_get_identity_source (slot) == PL_PARK_IDENTITY_UNKNOWN)
    return NULL;
  return pl_sip_uri_dup_display_user (uri);
}

/* A teammate's park: the caller's number and, when a server feed said so,
 * who parked it ("201 · parked by Bob"). */
static char *
others_park_detail (PlParkSlot *slot, const char *caller, const char *name)
{
  const char *parked_by = pl_park_slot_get_parked_by (slot);
  gboolean number_adds = caller != NULL && g_strcmp0 (caller, name) != 0;

  if (parked_by != NULL && number_adds)
    return g_strdup_printf (_ ("%s · parked by %s"), caller, parked_by);
  if (parked_by != NULL)
    return g_strdup_printf (_ ("Parked by %s"), parked_by);
  return number_adds ? g_strdup (caller) : NULL;
}

static void
ensure_occupied_parts (PlParkSlotRow *self)
{
  g_autofree char *action_target = NULL;

  if (self->retrieve_button != NULL)
    return;

  self->countdown = GTK_LEVEL_BAR (gtk_level_bar_new_for_interval (0.0, 1.0));
  gtk_widget_set_name (GTK_WIDGET (self->countdown), "countdown");
  gtk_widget_set_focusable (GTK_WIDGET (self->countdown), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->countdown), "slot-countdown");
  /* The default offsets would colour a full bar green and a low one
   * orange; only "nearly due" deserves attention here. */
  gtk_level_bar_remove_offset_value (self->countdown, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->countdown, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->countdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Time left before the call rings back"), -1);
  gtk_box_append (self->text_box, GTK_WIDGET (self->countdown));

  self->retrieve_button = gtk_button_new_from_icon_name ("call-start-symbolic");
  gtk_widget_set_name (self->retrieve_button, "retrieve_button");
  gtk_widget_set_valign (self->retrieve_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->retrieve_button, _ ("Retrieve"));
  gtk_widget_add_css_class (self->retrieve_button, "circular");
  gtk_widget_add_css_class (self->retrieve_button, "answer-action");
  action_target = g_strdup_printf ("%s:%d", pl_park_lot_get_name (self->lot),
                                   pl_park_slot_get_number (self->slot));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->retrieve_button), "win.retrieve-slot");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->retrieve_button), "s", action_target);
  /* The row's own child, not bound as a template child: the list box row
   * unparents that one itself at dispose. */
  gtk_box_append (GTK_BOX (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (self))),
                  self->retrieve_button);
}

static void
update (PlParkSlotRow *self)
{
  PlParkSlotState state = pl_park_slot_get_state (self->slot);
  gint64 now = g_get_real_time ();
  gint64 since = pl_park_slot_get_parked_since (self->slot);
  gint64 remaining = pl_park_slot_get_remaining (self->slot, now);
  guint timeout = pl_park_slot_get_timeout (self->slot);
  int number = pl_park_slot_get_number (self->slot);
  g_autofree char *name = NULL;
  g_autofree char *number_text = g_strdup_printf ("%d", number);
  g_autofree char *caller = caller_number (self->slot);
  g_autofree char *detail = NULL;
  g_autofree char *elapsed = NULL;
  g_autofree char *label = NULL;
  gboolean warn = FALSE;

  switch (state)
    {
      case PL_PARK_SLOT_FREE:
        name = g_strdup (_ ("Free"));
        /* How the last park here ended, while it is news: "Taken by Bob". */
        detail = g_strdup (pl_park_slot_get_ended_note (self->slot));
        break;
      case PL_PARK_SLOT_STALE:
        name = g_strdup (_ ("State unknown"));
        break;
      case PL_PARK_SLOT_PARKING:
        name = pl_park_slot_dup_display_name (self->slot);
        detail = g_strdup (_ ("Parking…"));
        break;
      case PL_PARK_SLOT_RETURNING:
        name = pl_park_slot_dup_display_name (self->slot);
        detail = g_strdup (_ ("Ringing back…"));
        break;
      case PL_PARK_SLOT_OCCUPIED:
      default:
        name = pl_park_slot_dup_display_name (self->slot);
        /* Uncertainty first: nobody should pick up the wrong caller. */
        if (pl_park_slot_get_race (self->slot))
          {
            detail = g_strdup (_ ("Two parks at once — caller uncertain"));
            warn = TRUE;
          }
        else if (pl_park_slot_get_probable (self->slot))
          detail = caller ? g_strdup_printf (_ ("%s · probably yours"), caller)
                          : g_strdup (_ ("Probably yours"));
        else if (pl_park_slot_get_parked_by_me (self->slot))
          detail = caller ? g_strdup_printf (_ ("%s · yours"), caller) : g_strdup (_ ("Yours"));
        else
          detail = others_park_detail (self->slot, caller, name);
        break;
    }

  gtk_label_set_label (self->number_label, number_text);
  gtk_label_set_label (self->name_label, name);
  gtk_label_set_label (self->detail_label, detail ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->warning_icon), warn);
  if (warn)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->warning_icon), detail);

  if (shows_time (state) && since > 0)
    elapsed = pl_format_duration (MAX (now - since, 0));
  gtk_label_set_label (self->time_label, elapsed ? elapsed : "");
  gtk_widget_set_visible (GTK_WIDGET (self->time_label), elapsed != NULL);

  if (state == PL_PARK_SLOT_OCCUPIED)
    ensure_occupied_parts (self);
  if (self->retrieve_button != NULL)
    {
      gboolean counting = state == PL_PARK_SLOT_OCCUPIED && remaining >= 0 && timeout > 0;

      gtk_widget_set_visible (GTK_WIDGET (self->countdown), counting);
      if (counting)
        {
          gtk_level_bar_set_value (self->countdown, CLAMP ((double)remaining / timeout, 0.0, 1.0));
          pl_ui_set_css_class (self->countdown, "ending", remaining <= WARN_SECONDS);
        }
      gtk_widget_set_visible (self->retrieve_button, state == PL_PARK_SLOT_OCCUPIED);
      {
        g_autofree char *button = g_strdup_printf (_ ("Retrieve %s from slot %d"), name, number);
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->retrieve_button),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, button, -1);
      }
    }

  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    pl_ui_set_css_class (self, state_classes[i], (guint)state == i);
  pl_ui_set_css_class (self, "ended", state == PL_PARK_SLOT_FREE && detail != NULL);

  /* One phrase for screen readers: "Slot 701, Caller One, parked 0:12, 0:33
   * left, Retrieve". */
  {
    GString *text = g_string_new (NULL);

    g_string_append_printf (text, _ ("Slot %d, %s"), number, name);
    if (detail)
      g_string_append_printf (text, ", %s", detail);
    if (elapsed)
      g_string_append_printf (text, _ (", parked %s"), elapsed);
    if (state == PL_PARK_SLOT_OCCUPIED && remaining >= 0)
      g_string_append_printf (text, _ (", %d:%02d left"), (int)(remaining / 60),
                              (int)(remaining % 60));
    if (state == PL_PARK_SLOT_OCCUPIED)
      g_string_append_printf (text, ", %s", _ ("Retrieve"));
    label = g_string_free (text, FALSE);
  }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* One clock for every row that shows a time: the rows move on together, in
 * one frame, instead of each on a timer of its own. */
static GHashTable *ticking_rows;
static guint clock_id;

static gboolean
clock_cb (gpointer user_data)
{
  GHashTableIter iter;
  gpointer row;

  g_hash_table_iter_init (&iter, ticking_rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    update (row);
  return G_SOURCE_CONTINUE;
}

static void
stop_ticking (PlParkSlotRow *self)
{
  if (ticking_rows == NULL || !g_hash_table_remove (ticking_rows, self)
      || g_hash_table_size (ticking_rows) > 0)
    return;
  g_clear_handle_id (&clock_id, g_source_remove);
  g_clear_pointer (&ticking_rows, g_hash_table_unref);
}

/* The clock only runs while someone can see it and it can change. */
static void
update_tick (PlParkSlotRow *self)
{
  gboolean needed = self->slot != NULL && gtk_widget_get_mapped (GTK_WIDGET (self))
                    && shows_time (pl_park_slot_get_state (self->slot))
                    && pl_park_slot_get_parked_since (self->slot) > 0;

  if (!needed)
    {
      stop_ticking (self);
      return;
    }
  if (ticking_rows == NULL)
    ticking_rows = g_hash_table_new (NULL, NULL);
  g_hash_table_add (ticking_rows, self);
  if (clock_id == 0)
    clock_id = g_timeout_add_seconds (1, clock_cb, NULL);
}

static void
slot_notify_cb (PlParkSlotRow *self)
{
  update (self);
  update_tick (self);
}

static gboolean
drop_accept_cb (GtkDropTarget *target, GdkDrop *drop, PlParkSlotRow *self)
{
  return pl_park_slot_get_state (self->slot) == PL_PARK_SLOT_FREE;
}

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, PlParkSlotRow *self)
{
  if (!G_VALUE_HOLDS_STRING (value))
    return FALSE;
  return pl_park_slot_row_drop_call (self, g_value_get_string (value));
}

gboolean
pl_park_slot_row_drop_call (PlParkSlotRow *self, const char *handle_text)
{
  guint64 handle = 0;

  g_return_val_if_fail (PL_IS_PARK_SLOT_ROW (self), FALSE);

  if (handle_text == NULL
      || !g_ascii_string_to_unsigned (handle_text, 10, 1, G_MAXUINT, &handle, NULL))
    return FALSE;
  if (pl_park_slot_get_state (self->slot) != PL_PARK_SLOT_FREE)
    return FALSE;
  return gtk_widget_activate_action (GTK_WIDGET (self), "park.call", "(usi)", (guint32)handle,
                                     pl_park_lot_get_name (self->lot),
                                     pl_park_slot_get_number (self->slot));
}

static void
pl_park_slot_row_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (pl_park_slot_row_parent_class)->map (widget);
  update (PL_PARK_SLOT_ROW (widget));
  update_tick (PL_PARK_SLOT_ROW (widget));
}

static void
pl_park_slot_row_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (pl_park_slot_row_parent_class)->unmap (widget);
  update_tick (PL_PARK_SLOT_ROW (widget));
}

static void
pl_park_slot_row_dispose (GObject *object)
{
  PlParkSlotRow *self = PL_PARK_SLOT_ROW (object);

  stop_ticking (self);
  if (self->slot)
    g_signal_handlers_disconnect_by_data (self->slot, self);
  g_clear_object (&self->slot);
  g_clear_object (&self->lot);
  gtk_widget_dispose_template (GTK_WIDGET (self), PL_TYPE_PARK_SLOT_ROW);
  G_OBJECT_CLASS (pl_park_slot_row_parent_class)->dispose (object);
}

static void
pl_park_slot_row_class_init (PlParkSlotRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pl_park_slot_row_dispose;
  widget_class->map = pl_park_slot_row_map;
  widget_class->unmap = pl_park_slot_row_unmap;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parkline/Parkline/pl-park-slot-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PlParkSlotRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, PlParkSlotRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, PlParkSlotRow, warning_icon);
  gtk_widget_class_bind_template_child (widget_class, PlParkSlotRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, PlParkSlotRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, PlParkSlotRow, text_box);
}

static void
pl_park_slot_row_init (PlParkSlotRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "park-slot");
}

GtkWidget *
pl_park_slot_row_new (PlParkLot *lot, PlParkSlot *slot)
{
  PlParkSlotRow *self;
  GtkDropTarget *target;

  g_return_val_if_fail (PL_IS_PARK_LOT (lot), NULL);
  g_return_val_if_fail (PL_IS_PARK_SLOT (slot), NULL);

  self = g_object_new (PL_TYPE_PARK_SLOT_ROW, NULL);
  self->lot = g_object_ref (lot);
  self->slot = g_object_ref (slot);
  g_signal_connect_object (slot, "notify", G_CALLBACK (slot_notify_cb), self, G_CONNECT_SWAPPED);

  target = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY | GDK_ACTION_MOVE);
  g_signal_connect_object (target, "accept", G_CALLBACK (drop_accept_cb), self, 0);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  update (self);
  return GTK_WIDGET (self);
}

/* Returns: (transfer none) */
PlParkLot *
pl_park_slot_row_get_lot (PlParkSlotRow *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT_ROW (self), NULL);
  return self->lot;
}

/* Returns: (transfer none) */
PlParkSlot *
pl_park_slot_row_get_slot (PlParkSlotRow *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT_ROW (self), NULL);
  return self->slot;
}
