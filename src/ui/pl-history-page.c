/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-history-page"

#include "config.h"

#include <glib/gi18n.h>

#include "pl-history-entry.h"
#include "pl-history-format.h"
#include "pl-history-page.h"
#include "pl-history-row.h"
#include "pl-ui-util.h"

/* Park timelines are read on demand; a screenful of rows needs a few dozen,
 * so the cache is simply dropped when it grows past this. */
#define MAX_CACHED_TIMELINES 256

#define RETENTION_KEY "history-retention-days"

struct _PlHistoryPage
{
  GtkWidget parent_instance;

  PlHistory *history;
  PlHistoryModel *model;
  GSettings *settings;
  GSimpleActionGroup *actions;
  GCancellable *cancellable;
  GtkFileChooserNative *chooser;
  GHashTable *timelines; /* call id (gint64 *) → GPtrArray of PlHistoryParkEvent */
  GHashTable *expanded;  /* call ids (gint64 *) whose timeline is open */
  GHashTable *rows;      /* call id (gint64 *) → bound PlHistoryRow (borrowed) */

  /* Template widgets */
  GtkWidget *box;
  GtkWidget *toolbar;
  GtkSearchEntry *search_entry;
  GtkWidget *menu_button;
  GtkWidget *filter_box;
  GtkStack *content_stack;
  GtkListView *history_view;
  AdwStatusPage *empty_page;
  AdwStatusPage *no_matches_page;
  AdwStatusPage *disabled_page;
  GtkWidget *start_new_button;
};

G_DEFINE_FINAL_TYPE (PlHistoryPage, pl_history_page, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct
{
  const char *name;
  PlHistoryFilter filter;
} filters[] = {
  { "all", PL_HISTORY_FILTER_ALL },
  { "missed", PL_HISTORY_FILTER_MISSED },
  { "parked", PL_HISTORY_FILTER_PARKED },
  { "returned", PL_HISTORY_FILTER_RETURNED },
};

static void
toast (PlHistoryPage *self, const char *text)
{
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, text);
}

static gint64 *
id_key (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

/* What the page shows --------------------------------------------------- */

static void
update_view (PlHistoryPage *self)
{
  gboolean disabled = self->history == NULL || pl_history_get_disabled (self->history);
  guint n = self->model ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
  gboolean loading = self->model && pl_history_model_get_loading (self->model);
  const char *page;

  if (disabled)
    {
      const char *problem = self->history ? pl_history_get_problem (self->history) : NULL;
      adw_status_page_set_description (self->disabled_page,
                                       problem ? problem : _ ("Call history is not available."));
      page = "disabled";
    }
  else if (n > 0 || loading)
    page = "list";
  else if (pl_history_model_get_search (self->model) != NULL
           || pl_history_model_get_filter (self->model) != PL_HISTORY_FILTER_ALL)
    page = "no-matches";
  else
    page = "empty";
  gtk_stack_set_visible_child_name (self->content_stack, page);

  /* Nothing to search, filter, export or clear in a history that is off. */
  gtk_widget_set_visible (self->toolbar, !disabled);
  g_simple_action_set_enabled (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "export")),
      !disabled);
  g_simple_action_set_enabled (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "clear")),
      !disabled);
}

/* Park timelines ---------------------------------------------------------- */

static gboolean
has_park_story (PlHistoryEntry *entry)
{
  return pl_history_entry_get_parked (entry) || pl_history_entry_get_returned (entry)
         || pl_history_entry_get_park_action (entry) != PL_HISTORY_PARK_ACTION_NONE;
}

/* (transfer none) The park events of a call: a small indexed query, read
 * synchronously and kept until the store changes. */
static GPtrArray *
lookup_timeline (PlHistoryPage *self, gint64 id)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *events = g_hash_table_lookup (self->timelines, &id);

  if (events != NULL)
    return events;
  if (g_hash_table_size (self->timelines) >= MAX_CACHED_TIMELINES)
    g_hash_table_remove_all (self->timelines);
  events = pl_history_list_park_events_sync (self->history, id, &error);
  if (events == NULL)
    {
      g_debug ("No park timeline for call %" G_GINT64_FORMAT ": %s", id, error->message);
      events = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_history_park_event_free);
    }
  g_hash_table_insert (self->timelines, id_key (id), events);
  return events;
}

static void
show_park (PlHistoryPage *self, PlHistoryRow *row, PlHistoryEntry *entry)
{
  gint64 id = pl_history_entry_get_id (entry);
  g_autofree char *summary = NULL;
  GPtrArray *events = NULL;

  if (id > 0 && has_park_story (entry))
    {
      const PlHistoryParkEvent *outcome;
      gint64 waited = -1;
      PlHistoryParkAction action = pl_history_entry_get_park_action (entry);

      events = lookup_timeline (self, id);
      outcome = pl_history_find_park_outcome (events);
      if (outcome != NULL && outcome->parked_at > 0 && outcome->at >= outcome->parked_at)
        waited = outcome->at - outcome->parked_at;
      if (action == PL_HISTORY_PARK_ACTION_NONE)
        action = PL_HISTORY_PARK_ACTION_PARKED;
      summary
          = pl_history_format_park_summary (pl_history_entry_get_park_slot (entry), action, waited);
    }
  pl_history_row_set_park_summary (row, summary);
  {
    g_autofree char *transfer = pl_history_format_transfer (
        pl_history_entry_get_transfer (entry), pl_history_entry_get_transfer_party (entry));
    pl_history_row_set_transfer_summary (row, transfer);
  }
  pl_history_row_set_timeline (
      row, events != NULL && g_hash_table_contains (self->expanded, &id) ? events : NULL);
}

static void
history_changed_cb (PlHistoryPage *self)
{
  g_hash_table_remove_all (self->timelines);
}

/* List rows --------------------------------------------------------------- */

static void
row_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, PlHistoryPage *self)
{
  gtk_list_item_set_child (item, pl_history_row_new ());
}

static void
row_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, PlHistoryPage *self)
{
  PlHistoryRow *row = PL_HISTORY_ROW (gtk_list_item_get_child (item));
  PlHistoryEntry *entry = gtk_list_item_get_item (item);
  guint position = gtk_list_item_get_position (item);
  g_autofree char *header = NULL;

  pl_history_row_set_entry (row, entry);
  if (pl_history_model_starts_day (self->model, position))
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_local ();
      header = pl_history_format_day (pl_history_entry_get_day (entry), now);
    }
  pl_history_row_set_day (row, header);
  show_park (self, row, entry);
  g_hash_table_insert (self->rows, id_key (pl_history_entry_get_id (entry)), row);
}

static void
row_unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, PlHistoryPage *self)
{
  PlHistoryRow *row = PL_HISTORY_ROW (gtk_list_item_get_child (item));
  PlHistoryEntry *entry = pl_history_row_get_entry (row);

  if (entry != NULL)
    {
      gint64 id = pl_history_entry_get_id (entry);
      if (g_hash_table_lookup (self->rows, &id) == row)
        g_hash_table_remove (self->rows, &id);
    }
  pl_history_row_set_timeline (row, NULL);
  pl_history_row_set_entry (row, NULL);
}

/* Activating a parked call opens or closes its park timeline. */
static void
history_view_activate_cb (PlHistoryPage *self, guint position)
{
  g_autoptr (PlHistoryEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  PlHistoryRow *row;
  gint64 id;

  if (entry == NULL || !has_park_story (entry))
    return;
  id = pl_history_entry_get_id (entry);
  if (!g_hash_table_remove (self->expanded, &id))
    g_hash_table_add (self->expanded, id_key (id));
  row = g_hash_table_lookup (self->rows, &id);
  if (row != NULL)
    show_park (self, row, entry);
}

/* Search and filters ------------------------------------------------------ */

static void
search_changed_cb (PlHistoryPage *self)
{
  if (self->model)
    pl_history_model_set_search (self->model,
                                 gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

/* Enter in the search goes to the results, so the arrows walk them. */
static void
search_activate_cb (PlHistoryPage *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "list") == 0)
    gtk_widget_child_focus (GTK_WIDGET (self->history_view), GTK_DIR_TAB_FORWARD);
}

static void
stop_search_cb (PlHistoryPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
filter_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  PlHistoryPage *self = user_data;
  const char *name = g_variant_get_string (value, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    if (g_str_equal (name, filters[i].name))
      {
        g_simple_action_set_state (action, value);
        if (self->model)
          pl_history_model_set_filter (self->model, filters[i].filter);
        return;
      }
  g_debug ("Unknown history filter %s", name);
}

/* Clearing ---------------------------------------------------------------- */

typedef struct
{
  PlHistoryPage *page;
  char *done_text;
} ClearData;

static void
clear_data_free (ClearData *data)
{
  g_object_unref (data->page);
  g_free (data->done_text);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClearData, clear_data_free)

static void
cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ClearData) data = user_data;
  PlHistoryPage *self = data->page;
  g_autoptr (GError) error = NULL;

  if (pl_history_clear_finish (PL_HISTORY (source), result, &error) < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_message ("Clearing history failed: %s", error->message);
      toast (self, error->message);
      return;
    }
  g_hash_table_remove_all (self->expanded);
  g_hash_table_remove_all (self->timelines);
  toast (self, data->done_text);
}

static void
start_clear (PlHistoryPage *self, const char *done_text)
{
  ClearData *data = g_new0 (ClearData, 1);

  data->page = g_object_ref (self);
  data->done_text = g_strdup (done_text);
  pl_history_clear_async (self->history, self->cancellable, cleared_cb, data);
}

static void
clear_response_cb (AdwMessageDialog *dialog, const char *response, PlHistoryPage *self)
{
  if (g_str_equal (response, "clear") && self->history != NULL)
    start_clear (self, _ ("Call history cleared"));
}

static void
clear_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlHistoryPage *self = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog = pl_ui_confirm_destructive (
      GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _ ("Clear Call History?"),
      _ ("Every call and park event is deleted from this computer. "
         "This cannot be undone."),
      "clear", _ ("_Clear History"));

  g_signal_connect_object (dialog, "response", G_CALLBACK (clear_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A damaged file is moved aside by clear (see pl_history_clear_async), so
 * no confirmation: nothing readable is lost. */
static void
start_new_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlHistoryPage *self = user_data;

  if (self->history != NULL)
    start_clear (self, _ ("A new call history was started"));
}

/* Export ------------------------------------------------------------------ */

static void
exported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PlHistoryPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 n = pl_history_export_csv_finish (PL_HISTORY (source), result, &error);

  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_message ("Export failed: %s", error->message);
      text = g_strdup_printf (_ ("Could not export the call history: %s"), error->message);
    }
  else
    text = g_strdup_printf (ngettext ("Exported %d call", "Exported %d calls", (gulong)n),
                            (int)MIN (n, G_MAXINT));
  toast (self, text);
}

void
pl_history_page_export_to (PlHistoryPage *self, GFile *file)
{
  g_return_if_fail (PL_IS_HISTORY_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->history != NULL);

  /* What is shown is what is written: the filter and search apply. */
  pl_history_export_csv_async (self->history, file, pl_history_model_get_filter (self->model),
                               pl_history_model_get_search (self->model), self->cancellable,
                               exported_cb, g_object_ref (self));
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, PlHistoryPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (file != NULL)
        pl_history_page_export_to (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
export_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlHistoryPage *self = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = NULL;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (
      _ ("Export Call History"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
      GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  /* Translators: file name of an exported history; %s is a date. */
  name = g_strdup_printf (_ ("call-history-%s.csv"), date);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  {
    /* Not the working directory the app happened to start in. */
    const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
    g_autoptr (GFile) folder = g_file_new_for_path (documents ? documents : g_get_home_dir ());

    if (g_file_query_exists (folder, NULL))
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
  }
  gtk_file_filter_set_name (filter, _ ("CSV files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Retention --------------------------------------------------------------- */

static void
setup_settings (PlHistoryPage *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GAction) retention = NULL;

  /* The uninstalled binary may run without the schema; retention is then
   * not offered. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, RETENTION_KEY))
    return;
  self->settings = g_settings_new (APP_ID);
  retention = g_settings_create_action (self->settings, RETENTION_KEY);
  g_action_map_add_action (G_ACTION_MAP (self->actions), retention);
}

/* Object ------------------------------------------------------------------ */

static const GActionEntry page_entries[] = {
  { "filter", NULL, "s", "'all'", filter_change_state },
  { "clear", clear_activated },
  { "start-new", start_new_activated },
  { "export", export_activated },
};

static void
pl_history_page_dispose (GObject *object)
{
  PlHistoryPage *self = PL_HISTORY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->history_view)
    gtk_list_view_set_model (self->history_view, NULL);
  if (self->history)
    g_signal_handlers_disconnect_by_data (self->history, self);
  g_clear_object (&self->model);
  g_clear_object (&self->history);
  g_clear_object (&self->settings);
  g_clear_object (&self->actions);
  gtk_widget_dispose_template (GTK_WIDGET (self), PL_TYPE_HISTORY_PAGE);
  G_OBJECT_CLASS (pl_history_page_parent_class)->dispose (object);
}

static void
pl_history_page_finalize (GObject *object)
{
  PlHistoryPage *self = PL_HISTORY_PAGE (object);

  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->timelines);
  g_hash_table_unref (self->expanded);
  g_hash_table_unref (self->rows);
  G_OBJECT_CLASS (pl_history_page_parent_class)->finalize (object);
}

static void
pl_history_page_class_init (PlHistoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pl_history_page_dispose;
  object_class->finalize = pl_history_page_finalize;

  signals[SIGNAL_TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parkline/Parkline/pl-history-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PlHistoryPage, box);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryPage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryPage, menu_button);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryPage, filter_box);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryPage, history_view);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryPage, no_matches_page);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryPage, disabled_page);
  gtk_widget_class_bind_template_child (widget_class, PlHistoryPage, start_new_button);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, history_view_activate_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "historypage");
}

static void
pl_history_page_init (PlHistoryPage *self)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  self->cancellable = g_cancellable_new ();
  self->timelines = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                           (GDestroyNotify)g_ptr_array_unref);
  self->expanded = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), page_entries,
                                   G_N_ELEMENTS (page_entries), self);
  setup_settings (self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "history", G_ACTION_GROUP (self->actions));

  g_signal_connect (factory, "setup", G_CALLBACK (row_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (row_unbind_cb), self);
  gtk_list_view_set_factory (self->history_view, factory);

  /* Typing anywhere on the page searches. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
  update_view (self);
}

GtkWidget *
pl_history_page_new (void)
{
  return g_object_new (PL_TYPE_HISTORY_PAGE, NULL);
}

void
pl_history_page_set_history (PlHistoryPage *self, PlHistory *history)
{
  g_autoptr (GtkNoSelection) selection = NULL;

  g_return_if_fail (PL_IS_HISTORY_PAGE (self));
  g_return_if_fail (history == NULL || PL_IS_HISTORY (history));

  if (self->history == history)
    return;
  if (self->history)
    g_signal_handlers_disconnect_by_data (self->history, self);
  gtk_list_view_set_model (self->history_view, NULL);
  g_clear_object (&self->model);
  g_hash_table_remove_all (self->timelines);
  g_hash_table_remove_all (self->expanded);
  g_set_object (&self->history, history);

  if (history != NULL)
    {
      g_autoptr (GVariant) filter
          = g_action_group_get_action_state (G_ACTION_GROUP (self->actions), "filter");

      self->model = pl_history_model_new (history);
      pl_history_model_set_search (self->model,
                                   gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
      filter_change_state (
          G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "filter")),
          filter, self);
      selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->model)));
      gtk_list_view_set_model (self->history_view, GTK_SELECTION_MODEL (selection));

      g_signal_connect_object (self->model, "notify::n-items", G_CALLBACK (update_view), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (update_view), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_swapped (history, "notify::disabled", G_CALLBACK (update_view), self);
      g_signal_connect_swapped (history, "notify::problem", G_CALLBACK (update_view), self);
      g_signal_connect_swapped (history, "changed", G_CALLBACK (history_changed_cb), self);
    }
  update_view (self);
}

/* Returns: (transfer none) (nullable) */
PlHistory *
pl_history_page_get_history (PlHistoryPage *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_PAGE (self), NULL);
  return self->history;
}

/* Returns: (transfer none) (nullable) */
PlHistoryModel *
pl_history_page_get_model (PlHistoryPage *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_PAGE (self), NULL);
  return self->model;
}

void
pl_history_page_focus_search (PlHistoryPage *self)
{
  g_return_if_fail (PL_IS_HISTORY_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
