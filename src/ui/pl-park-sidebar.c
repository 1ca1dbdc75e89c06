/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-park-sidebar"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "pl-park-sidebar.h"
#include "pl-park-slot-row.h"
#include "pl-ui-util.h"
#include "pl-window.h"

/* Up to this many slots a lot lists every slot: each keeps its place (the
 * team says "pick up 703"), and free ones are drop and park targets. A
 * bigger lot (FreeSWITCH valet: 99 slots) lists only the calls in it. */
#define MAX_LISTED_SLOTS 12

typedef struct
{
  PlParkSidebar *sidebar;
  PlParkLot *lot;
  GListModel *model; /* what the list shows: the lot, or its busy slots */
  GtkFilter *filter; /* NULL when every slot is listed */
  GtkWidget *box;
  GtkLabel *count_label;
  GtkWidget *stale_banner;
  GtkListBox *list;
} Section;

struct _PlParkSidebar
{
  GtkWidget parent_instance;

  PlParkService *service;
  PlCallManager *manager;
  PlEngine *engine;
  GPtrArray *sections; /* Section, in lot order */
  guint update_id;

  GSimpleAction *park;
  GSimpleAction *park_selected;
  GSimpleAction *retrieve_slot;
  GSimpleAction *retrieve_nth;
  GSimpleAction *focus_park;

  GtkWidget *box;
  GtkWidget *park_button;
  GtkWidget *park_selected_button;
  GtkStack *stack;
  GtkWidget *lots_box;
};

G_DEFINE_FINAL_TYPE (PlParkSidebar, pl_park_sidebar, GTK_TYPE_WIDGET)

static void update_actions (PlParkSidebar *self);

/* Targets ------------------------------------------------------------------ */

gboolean
pl_park_parse_slot_target (const char *target, char **lot, int *slot)
{
  const char *colon;
  guint64 number = 0;

  if (target == NULL || (colon = strrchr (target, ':')) == NULL || colon == target)
    return FALSE;
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXINT, &number, NULL))
    return FALSE;
  if (lot)
    *lot = g_strndup (target, colon - target);
  if (slot)
    *slot = (int)number;
  return TRUE;
}

char *
pl_park_format_slot_target (const char *lot, int slot)
{
  return g_strdup_printf ("%s:%d", lot, slot);
}

gboolean
pl_park_sidebar_lot_can_choose (PlParkLot *lot)
{
  const PlParkLotConfig *config = pl_park_lot_get_config (lot);
  g_autofree char *uri = NULL;

  /* Ask the profile rules rather than knowing the profiles here. */
  uri = pl_park_lot_config_park_uri (config, config->first_slot, "example.invalid", NULL);
  return uri != NULL;
}

/* Feedback ----------------------------------------------------------------- */

static void
tell (PlParkSidebar *self, const char *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_message ("%s", text);
  if (PL_IS_WINDOW (root))
    pl_window_show_toast (PL_WINDOW (root), text);
}

/* Keeps the window's "tooltip (shortcut)" convention for tooltips that
 * change with the situation. */
static void
set_tooltip (GtkWidget *widget, const char *action, const char *text)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkApplication *app
      = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;
  g_auto (GStrv) accels = app ? gtk_application_get_accels_for_action (app, action) : NULL;

  g_object_set_data_full (G_OBJECT (widget), "pl-base-tooltip", g_strdup (text), g_free);
  if (accels && accels[0])
    {
      guint key = 0;
      GdkModifierType mods = 0;
      g_autofree char *label = NULL;
      g_autofree char *full = NULL;

      gtk_accelerator_parse (accels[0], &key, &mods);
      label = gtk_accelerator_get_label (key, mods);
      full = g_strdup_printf ("%s (%s)", text, label);
      gtk_widget_set_tooltip_text (widget, full);
    }
  else
    gtk_widget_set_tooltip_text (widget, text);
}

/* Selection ---------------------------------------------------------------- */

static PlParkSlotRow *
selected_row (PlParkSidebar *self)
{
  for (guint i = 0; i < self->sections->len; i++)
    {
      Section *section = g_ptr_array_index (self->sections, i);
      GtkListBoxRow *row = gtk_list_box_get_selected_row (section->list);
      if (row)
        return PL_PARK_SLOT_ROW (row);
    }
  return NULL;
}

static void
row_selected_cb (GtkListBox *list, GtkListBoxRow *row, Section *section)
{
  PlParkSidebar *self = section->sidebar;

  /* One selection across all lots. */
  if (row != NULL)
    for (guint i = 0; i < self->sections->len; i++)
      {
        Section *other = g_ptr_array_index (self->sections, i);
        if (other != section)
          gtk_list_box_unselect_all (other->list);
      }
  update_actions (self);
}

/* Park and retrieve -------------------------------------------------------- */

static gboolean
call_can_park (PlParkSidebar *self, PlCall *call)
{
  PlCallState state = call ? pl_call_get_state (call) : PL_CALL_STATE_ENDED;

  /* Once is enough: a second REFER would race the first. */
  return (state == PL_CALL_STATE_ACTIVE || state == PL_CALL_STATE_HELD)
         && !pl_park_service_is_parking (self->service, call);
}

static gboolean
any_occupied (PlParkSidebar *self)
{
  return pl_park_service_find_parked (self->service, 1, NULL, NULL);
}

static void
park (PlParkSidebar *self, PlCall *call, PlParkLot *lot, int slot)
{
  g_autoptr (GError) error = NULL;

  if (call == NULL)
    return;
  if (!pl_park_service_park (self->service, call, lot, slot, &error))
    tell (self, error->message);
}

static void
retrieve (PlParkSidebar *self, PlParkLot *lot, int slot)
{
  g_autoptr (GError) error = NULL;

  if (pl_park_service_retrieve (self->service, lot, slot, &error) == NULL)
    tell (self, error->message);
}

static void
park_activated (GSimpleAction *action, GVariant *parameter, PlParkSidebar *self)
{
  PlParkSlotRow *row = selected_row (self);

  /* The lot the user is looking at, else the first; the profile decides
   * whether the PBX or we pick the slot. */
  park (self, pl_call_manager_get_active_call (self->manager),
        row ? pl_park_slot_row_get_lot (row) : NULL, PL_PARK_ANY_SLOT);
}

static void
park_selected_activated (GSimpleAction *action, GVariant *parameter, PlParkSidebar *self)
{
  PlParkSlotRow *row = selected_row (self);

  if (row == NULL)
    return;
  park (self, pl_call_manager_get_active_call (self->manager), pl_park_slot_row_get_lot (row),
        pl_park_slot_get_number (pl_park_slot_row_get_slot (row)));
}

static void
retrieve_slot_activated (GSimpleAction *action, GVariant *parameter, PlParkSidebar *self)
{
  g_autofree char *name = NULL;
  PlParkLot *lot;
  int slot = 0;

  if (!pl_park_parse_slot_target (g_variant_get_string (parameter, NULL), &name, &slot))
    {
      g_message ("Not a slot: %s", g_variant_get_string (parameter, NULL));
      return;
    }
  lot = pl_park_service_find_lot (self->service, name);
  if (lot == NULL)
    {
      g_autofree char *text = g_strdup_printf (_ ("There is no park lot “%s” any more"), name);
      tell (self, text);
      return;
    }
  retrieve (self, lot, slot);
}

static void
retrieve_nth_activated (GSimpleAction *action, GVariant *parameter, PlParkSidebar *self)
{
  int n = g_variant_get_int32 (parameter);
  PlParkLot *lot = NULL;
  int slot = 0;

  if (n < 1 || !pl_park_service_find_parked (self->service, (guint)n, &lot, &slot))
    {
      g_autofree char *text = g_strdup_printf (_ ("There is no parked call number %d"), n);
      tell (self, text);
      return;
    }
  retrieve (self, lot, slot);
}

static GtkWidget *
first_row_where (PlParkSidebar *self, gboolean occupied_only)
{
  for (guint i = 0; i < self->sections->len; i++)
    {
      Section *section = g_ptr_array_index (self->sections, i);
      GtkListBoxRow *row;

      for (int k = 0; (row = gtk_list_box_get_row_at_index (section->list, k)) != NULL; k++)
        if (!occupied_only
            || pl_park_slot_get_state (pl_park_slot_row_get_slot (PL_PARK_SLOT_ROW (row)))
                   == PL_PARK_SLOT_OCCUPIED)
          return GTK_WIDGET (row);
    }
  return NULL;
}

static void
focus_park_activated (GSimpleAction *action, GVariant *parameter, PlParkSidebar *self)
{
  GtkWidget *row = GTK_WIDGET (selected_row (self));

  if (row == NULL)
    row = first_row_where (self, TRUE);
  if (row == NULL)
    row = first_row_where (self, FALSE);
  if (row != NULL)
    gtk_widget_grab_focus (row);
  else
    gtk_widget_grab_focus (self->park_button);
}

/* A call dropped on a slot row. */
static void
park_call_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PlParkSidebar *self = PL_PARK_SIDEBAR (widget);
  guint32 handle = 0;
  const char *name = NULL;
  int slot = 0;
  PlCall *call;
  PlParkLot *lot;

  g_variant_get (parameter, "(u&si)", &handle, &name, &slot);
  call = pl_call_manager_find_by_handle (self->manager, handle);
  lot = pl_park_service_find_lot (self->service, name);
  if (call == NULL || lot == NULL)
    {
      g_message ("Dropped call %u or lot %s is gone", handle, name);
      return;
    }
  if (!pl_park_sidebar_lot_can_choose (lot))
    slot = PL_PARK_ANY_SLOT;
  park (self, call, lot, slot);
}

static void
row_activated_cb (GtkListBox *list, GtkListBoxRow *row, Section *section)
{
  PlParkSidebar *self = section->sidebar;
  PlParkSlot *slot = pl_park_slot_row_get_slot (PL_PARK_SLOT_ROW (row));
  g_autofree char *target = NULL;

  switch (pl_park_slot_get_state (slot))
    {
      case PL_PARK_SLOT_OCCUPIED:
        target = pl_park_format_slot_target (pl_park_lot_get_name (section->lot),
                                             pl_park_slot_get_number (slot));
        g_action_activate (G_ACTION (self->retrieve_slot), g_variant_new_string (target));
        break;
      case PL_PARK_SLOT_FREE:
        gtk_list_box_select_row (list, row);
        if (g_action_get_enabled (G_ACTION (self->park_selected)))
          g_action_activate (G_ACTION (self->park_selected), NULL);
        break;
      case PL_PARK_SLOT_PARKING:
      case PL_PARK_SLOT_RETURNING:
      case PL_PARK_SLOT_STALE:
      default:
        break;
    }
}

/* Action state ------------------------------------------------------------- */

static void
update_actions (PlParkSidebar *self)
{
  PlCall *call = pl_call_manager_get_active_call (self->manager);
  gboolean has_lots = g_list_model_get_n_items (pl_park_service_get_lots (self->service)) > 0;
  gboolean running = pl_engine_get_state (self->engine) == PL_ENGINE_STATE_RUNNING;
  gboolean can_retrieve = running && any_occupied (self);
  PlParkSlotRow *row = selected_row (self);
  PlParkLot *lot = row ? pl_park_slot_row_get_lot (row) : NULL;
  PlParkSlot *slot = row ? pl_park_slot_row_get_slot (row) : NULL;
  gboolean can_choose = lot && pl_park_sidebar_lot_can_choose (lot);
  gboolean free_selected = slot && pl_park_slot_get_state (slot) == PL_PARK_SLOT_FREE;
  /* a silent PBX: say so where Park is, even while it cannot be pressed */
  const char *blocker = pl_park_service_get_park_blocker (self->service);
  g_autofree char *tooltip = NULL;

  if (self->park == NULL)
    return;
  g_simple_action_set_enabled (self->park, has_lots && !blocker && call_can_park (self, call));
  g_simple_action_set_enabled (self->park_selected, !blocker && call_can_park (self, call)
                                                        && free_selected && can_choose);
  set_tooltip (self->park_button, "win.park", blocker ? blocker : _ ("Park the current call"));
  g_simple_action_set_enabled (self->retrieve_slot, can_retrieve);
  g_simple_action_set_enabled (self->retrieve_nth, can_retrieve);
  g_simple_action_set_enabled (self->focus_park, has_lots);

  if (blocker)
    tooltip = g_strdup (blocker);
  else if (lot && !can_choose)
    tooltip = g_strdup_printf (_ ("The phone system picks the slot in “%s”: use Park"),
                               pl_park_lot_get_name (lot));
  else if (free_selected)
    tooltip = g_strdup_printf (_ ("Park on slot %d"), pl_park_slot_get_number (slot));
  else
    tooltip = g_strdup (_ ("Park on the selected free slot"));
  set_tooltip (self->park_selected_button, "win.park-to-selected", tooltip);
}

/* Lot sections ------------------------------------------------------------- */

static void
section_update (Section *section)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (section->lot));
  guint n_free = 0, n_parked = 0;
  gboolean stale = pl_park_lot_get_stale (section->lot);
  g_autofree char *count = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlParkSlot) slot = g_list_model_get_item (G_LIST_MODEL (section->lot), i);
      switch (pl_park_slot_get_state (slot))
        {
          case PL_PARK_SLOT_FREE:
            n_free++;
            break;
          case PL_PARK_SLOT_STALE:
            stale = TRUE;
            break;
          case PL_PARK_SLOT_PARKING:
          case PL_PARK_SLOT_OCCUPIED:
          case PL_PARK_SLOT_RETURNING:
          default:
            n_parked++;
            break;
        }
    }

  /* Unknown is not free: no count that could be read as "all free". */
  if (!stale)
    count = g_strdup_printf (ngettext ("%u parked · %u free", "%u parked · %u free", n_free),
                             n_parked, n_free);
  gtk_label_set_label (section->count_label, count ? count : "");
  gtk_label_set_label (GTK_LABEL (section->stale_banner),
                       pl_park_service_get_server_state (section->sidebar->service)
                               == PL_SERVER_STATE_NOT_ANSWERING
                           ? _ ("The phone system is not answering — lot state unknown")
                           : _ ("Lot state unknown — reconnecting…"));
  gtk_widget_set_visible (section->stale_banner, stale);
  pl_ui_set_css_class (section->box, "stale", stale);
}

static void
slot_state_cb (Section *section)
{
  if (section->filter)
    gtk_filter_changed (section->filter, GTK_FILTER_CHANGE_DIFFERENT);
  section_update (section);
  update_actions (section->sidebar);
}

static gboolean
keynav_failed_cb (GtkWidget *list, GtkDirectionType direction, Section *section)
{
  PlParkSidebar *self = section->sidebar;
  guint index = 0;
  int step = direction == GTK_DIR_DOWN ? 1 : direction == GTK_DIR_UP ? -1 : 0;
  Section *next;

  /* Arrow keys walk on from one lot into the next. */
  if (step == 0 || !g_ptr_array_find (self->sections, section, &index) || (int)index + step < 0
      || index + step >= self->sections->len)
    return FALSE;
  next = g_ptr_array_index (self->sections, index + step);
  return gtk_widget_child_focus (GTK_WIDGET (next->list), direction);
}

static gboolean
slot_is_busy (gpointer item, gpointer user_data)
{
  PlParkSlotState state = pl_park_slot_get_state (item);

  return state == PL_PARK_SLOT_OCCUPIED || state == PL_PARK_SLOT_PARKING
         || state == PL_PARK_SLOT_RETURNING;
}

static GtkWidget *
create_row (gpointer item, gpointer user_data)
{
  Section *section = user_data;

  return pl_park_slot_row_new (section->lot, item);
}

static void
section_free (Section *section)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (section->lot));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlParkSlot) slot = g_list_model_get_item (G_LIST_MODEL (section->lot), i);
      g_signal_handlers_disconnect_by_data (slot, section);
    }
  g_signal_handlers_disconnect_by_data (section->lot, section);
  g_clear_object (&section->model);
  g_clear_object (&section->filter);
  g_clear_object (&section->lot);
  g_free (section);
}

static Section *
section_new (PlParkSidebar *self, PlParkLot *lot)
{
  Section *section = g_new0 (Section, 1);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = gtk_label_new (pl_park_lot_get_name (lot));
  g_autofree char *list_label = g_strdup_printf (_ ("Park lot %s"), pl_park_lot_get_name (lot));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (lot));

  section->sidebar = self;
  section->lot = g_object_ref (lot);
  section->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_add_css_class (section->box, "park-lot");

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (name, "heading");
  section->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (section->count_label), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (section->count_label), "dim-label");
  gtk_box_append (GTK_BOX (header), name);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (section->count_label));
  gtk_widget_set_margin_start (header, 4);
  gtk_widget_set_margin_end (header, 4);
  gtk_box_append (GTK_BOX (section->box), header);

  section->stale_banner = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (section->stale_banner), TRUE);
  gtk_label_set_xalign (GTK_LABEL (section->stale_banner), 0);
  gtk_widget_add_css_class (section->stale_banner, "stale-banner");
  gtk_box_append (GTK_BOX (section->box), section->stale_banner);

  section->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (section->list, GTK_SELECTION_SINGLE);
  gtk_list_box_set_activate_on_single_click (section->list, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (section->list), "boxed-list");
  gtk_widget_add_css_class (GTK_WIDGET (section->list), "park-slots");
  gtk_accessible_update_property (GTK_ACCESSIBLE (section->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  list_label, -1);
  if (n > MAX_LISTED_SLOTS)
    {
      GtkWidget *placeholder = gtk_label_new (_ ("No parked calls"));

      section->filter = GTK_FILTER (gtk_custom_filter_new (slot_is_busy, NULL, NULL));
      section->model = G_LIST_MODEL (gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (lot)),
                                                                g_object_ref (section->filter)));
      gtk_widget_add_css_class (placeholder, "dim-label");
      gtk_widget_set_margin_top (placeholder, 8);
      gtk_widget_set_margin_bottom (placeholder, 8);
      gtk_list_box_set_placeholder (section->list, placeholder);
    }
  else
    section->model = g_object_ref (G_LIST_MODEL (lot));
  gtk_list_box_bind_model (section->list, section->model, create_row, section, NULL);
  g_signal_connect (section->list, "row-selected", G_CALLBACK (row_selected_cb), section);
  g_signal_connect (section->list, "row-activated", G_CALLBACK (row_activated_cb), section);
  g_signal_connect (section->list, "keynav-failed", G_CALLBACK (keynav_failed_cb), section);
  gtk_box_append (GTK_BOX (section->box), GTK_WIDGET (section->list));

  g_signal_connect_swapped (lot, "notify::stale", G_CALLBACK (slot_state_cb), section);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlParkSlot) slot = g_list_model_get_item (G_LIST_MODEL (lot), i);
      g_signal_connect_swapped (slot, "notify::state", G_CALLBACK (slot_state_cb), section);
    }
  section_update (section);
  return section;
}

static void
clear_sections (PlParkSidebar *self)
{
  GtkWidget *child;

  /* Unbind first: rows must not outlive the sections they point to. */
  for (guint i = 0; i < self->sections->len; i++)
    {
      Section *section = g_ptr_array_index (self->sections, i);
      gtk_list_box_bind_model (section->list, NULL, NULL, NULL, NULL);
    }
  while ((child = gtk_widget_get_first_child (self->lots_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->lots_box), child);
  g_ptr_array_set_size (self->sections, 0);
}

static void
lots_changed_cb (PlParkSidebar *self)
{
  GListModel *lots = pl_park_service_get_lots (self->service);
  guint n = g_list_model_get_n_items (lots);

  /* Lots are replaced wholesale when the settings change: rebuild. */
  clear_sections (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlParkLot) lot = g_list_model_get_item (lots, i);
      Section *section = section_new (self, lot);
      g_ptr_array_add (self->sections, section);
      gtk_box_append (GTK_BOX (self->lots_box), section->box);
    }
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "lots" : "empty");
  update_actions (self);
}

static void
server_state_cb (PlParkSidebar *self)
{
  for (guint i = 0; i < self->sections->len; i++)
    section_update (g_ptr_array_index (self->sections, i));
  update_actions (self);
}

/* Calls -------------------------------------------------------------------- */

static gboolean
update_actions_idle (gpointer user_data)
{
  PlParkSidebar *self = user_data;

  self->update_id = 0;
  update_actions (self);
  return G_SOURCE_REMOVE;
}

/* The park service sets the note as a park starts and clears it when the
 * REFER fails, just before it forgets the attempt: look again once it is
 * done. */
static void
call_note_cb (PlParkSidebar *self)
{
  update_actions (self);
  if (self->update_id == 0)
    self->update_id = g_idle_add (update_actions_idle, self);
}

static void
calls_changed_cb (PlParkSidebar *self, guint position, guint removed, guint added,
                  GListModel *calls)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (calls, i);
      g_signal_connect_object (call, "notify::state", G_CALLBACK (update_actions), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (call, "notify::note", G_CALLBACK (call_note_cb), self,
                               G_CONNECT_SWAPPED);
    }
  update_actions (self);
}

/* Public API --------------------------------------------------------------- */

static GSimpleAction *
add_action (PlParkSidebar *self, GActionMap *map, const char *name, const GVariantType *type,
            GCallback callback)
{
  GSimpleAction *action = g_simple_action_new (name, type);

  g_signal_connect_object (action, "activate", callback, self, 0);
  g_action_map_add_action (map, G_ACTION (action));
  return action;
}

void
pl_park_sidebar_add_actions (PlParkSidebar *self, GActionMap *map)
{
  g_return_if_fail (PL_IS_PARK_SIDEBAR (self));
  g_return_if_fail (G_IS_ACTION_MAP (map));

  g_clear_object (&self->park);
  g_clear_object (&self->park_selected);
  g_clear_object (&self->retrieve_slot);
  g_clear_object (&self->retrieve_nth);
  g_clear_object (&self->focus_park);
  self->park = add_action (self, map, "park", NULL, G_CALLBACK (park_activated));
  self->park_selected
      = add_action (self, map, "park-to-selected", NULL, G_CALLBACK (park_selected_activated));
  self->retrieve_slot = add_action (self, map, "retrieve-slot", G_VARIANT_TYPE_STRING,
                                    G_CALLBACK (retrieve_slot_activated));
  self->retrieve_nth = add_action (self, map, "retrieve-nth", G_VARIANT_TYPE_INT32,
                                   G_CALLBACK (retrieve_nth_activated));
  self->focus_park = add_action (self, map, "focus-park", NULL, G_CALLBACK (focus_park_activated));
  update_actions (self);
}

GtkWidget *
pl_park_sidebar_get_row (PlParkSidebar *self, const char *lot, int slot)
{
  g_return_val_if_fail (PL_IS_PARK_SIDEBAR (self), NULL);

  for (guint i = 0; i < self->sections->len; i++)
    {
      Section *section = g_ptr_array_index (self->sections, i);
      GtkListBoxRow *row;

      if (g_strcmp0 (pl_park_lot_get_name (section->lot), lot) != 0)
        continue;
      for (int k = 0; (row = gtk_list_box_get_row_at_index (section->list, k)) != NULL; k++)
        if (pl_park_slot_get_number (pl_park_slot_row_get_slot (PL_PARK_SLOT_ROW (row))) == slot)
          return GTK_WIDGET (row);
    }
  return NULL;
}

GtkWidget *
pl_park_sidebar_get_stale_banner (PlParkSidebar *self, const char *lot)
{
  g_return_val_if_fail (PL_IS_PARK_SIDEBAR (self), NULL);

  for (guint i = 0; i < self->sections->len; i++)
    {
      Section *section = g_ptr_array_index (self->sections, i);
      if (g_strcmp0 (pl_park_lot_get_name (section->lot), lot) == 0)
        return section->stale_banner;
    }
  return NULL;
}

/* Returns: (transfer none) */
PlParkService *
pl_park_sidebar_get_service (PlParkSidebar *self)
{
  g_return_val_if_fail (PL_IS_PARK_SIDEBAR (self), NULL);
  return self->service;
}

/* Object ------------------------------------------------------------------- */

static void
pl_park_sidebar_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (pl_park_sidebar_parent_class)->root (widget);
  /* Tooltips name shortcuts, which need the application. */
  update_actions (PL_PARK_SIDEBAR (widget));
}

static void
pl_park_sidebar_dispose (GObject *object)
{
  PlParkSidebar *self = PL_PARK_SIDEBAR (object);

  g_clear_handle_id (&self->update_id, g_source_remove);
  if (self->sections)
    clear_sections (self);
  /* The actions stay in the window's map: leave them disabled. */
  if (self->park)
    {
      g_simple_action_set_enabled (self->park, FALSE);
      g_simple_action_set_enabled (self->park_selected, FALSE);
      g_simple_action_set_enabled (self->retrieve_slot, FALSE);
      g_simple_action_set_enabled (self->retrieve_nth, FALSE);
      g_simple_action_set_enabled (self->focus_park, FALSE);
    }
  g_clear_object (&self->park);
  g_clear_object (&self->park_selected);
  g_clear_object (&self->retrieve_slot);
  g_clear_object (&self->retrieve_nth);
  g_clear_object (&self->focus_park);
  gtk_widget_dispose_template (GTK_WIDGET (self), PL_TYPE_PARK_SIDEBAR);
  /* Handlers connected with g_signal_connect_object() only go at finalize;
   * the calls ending at shutdown must not reach a half-disposed widget. */
  if (self->manager)
    {
      g_signal_handlers_disconnect_by_data (pl_call_manager_get_calls (self->manager), self);
      g_signal_handlers_disconnect_by_data (self->manager, self);
    }
  if (self->engine)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->service);
  g_clear_object (&self->manager);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (pl_park_sidebar_parent_class)->dispose (object);
}

static void
pl_park_sidebar_finalize (GObject *object)
{
  PlParkSidebar *self = PL_PARK_SIDEBAR (object);

  g_clear_pointer (&self->sections, g_ptr_array_unref);
  G_OBJECT_CLASS (pl_park_sidebar_parent_class)->finalize (object);
}

static void
pl_park_sidebar_class_init (PlParkSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pl_park_sidebar_dispose;
  object_class->finalize = pl_park_sidebar_finalize;
  widget_class->root = pl_park_sidebar_root;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parkline/Parkline/pl-park-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, PlParkSidebar, box);
  gtk_widget_class_bind_template_child (widget_class, PlParkSidebar, park_button);
  gtk_widget_class_bind_template_child (widget_class, PlParkSidebar, park_selected_button);
  gtk_widget_class_bind_template_child (widget_class, PlParkSidebar, stack);
  gtk_widget_class_bind_template_child (widget_class, PlParkSidebar, lots_box);
  gtk_widget_class_install_action (widget_class, "park.call", "(usi)", park_call_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "parksidebar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pl_park_sidebar_init (PlParkSidebar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->sections = g_ptr_array_new_with_free_func ((GDestroyNotify)section_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Parked calls"), -1);
}

GtkWidget *
pl_park_sidebar_new (PlParkService *service, PlCallManager *manager)
{
  PlParkSidebar *self;
  GListModel *calls;

  g_return_val_if_fail (PL_IS_PARK_SERVICE (service), NULL);
  g_return_val_if_fail (PL_IS_CALL_MANAGER (manager), NULL);

  self = g_object_new (PL_TYPE_PARK_SIDEBAR, NULL);
  self->service = g_object_ref (service);
  self->manager = g_object_ref (manager);
  self->engine = g_object_ref (pl_call_manager_get_engine (manager));
  calls = pl_call_manager_get_calls (manager);

  g_signal_connect_object (pl_park_service_get_lots (service), "items-changed",
                           G_CALLBACK (lots_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (manager, "notify::active-call", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (calls, "items-changed", G_CALLBACK (calls_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::state", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (service, "notify::server-state", G_CALLBACK (server_state_cb), self,
                           G_CONNECT_SWAPPED);
  calls_changed_cb (self, 0, 0, g_list_model_get_n_items (calls), calls);
  lots_changed_cb (self);
  return GTK_WIDGET (self);
}
