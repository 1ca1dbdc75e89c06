/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-history-page"

#include "config.h"

#include "pl-application.h"
#include "pl-history-entry.h"
#include "pl-history-format.h"
#include "pl-history-page.h"
#include "pl-history-row.h"
#include "pl-script-engine.h"
#include "pl-test-util.h"
#include "pl-ui-test.h"
#include "pl-window.h"

/* The History page on a real SQLite history, in the real window of a real
 * application on the scripted engine. One case per process (see meson.build):
 * a GApplication owns its bus name once per process. */

/* The history every case starts from: N_CALLS calls, one every 25 minutes
 * back from now (so about five days), with these patterns. */
#define N_CALLS       300
#define SPACING_MIN   25
#define N_MISSED      60 /* i % 4 == 0 and not parked */
#define N_PARKED      30 /* i % 10 == 0 */
#define N_RETURNED    15 /* i % 20 == 0: parked, then rang back */
#define N_QUARTERMAIN 6  /* i % 50 == 7 */
#define N_BIG         200000

typedef struct
{
  char *dir;
  char *history_path;
  gint64 now;
  gboolean corrupt; /* write garbage instead of a history */
  guint retention_days;
  gboolean big;   /* N_BIG more answered calls, older than the others */
  gint64 started; /* monotonic time the application was started */
  PlAccount *account;
  PlScriptEngine *engine;
  PlCore *core;
  PlApplication *app;
  PlWindow *window;
  GPtrArray *toasts;
  gboolean page_prebuilt; /* the history page existed when the window came up */
  void (*body) (gpointer fx, gconstpointer data);
} Fixture;

typedef void (*TestBody) (Fixture *fx, gconstpointer data);

static gint64
call_started (Fixture *fx, guint i)
{
  /* Minute 7: no call sits on a whole-day boundary of the retention tests. */
  return fx->now - ((gint64)i * SPACING_MIN + 7) * 60 * G_USEC_PER_SEC;
}

/* Written through the store's own batch import, before the app opens it. */
static void
fill_history (Fixture *fx)
{
  g_autoptr (PlHistory) history = pl_history_new (fx->history_path);
  g_autoptr (GError) error = NULL;
  g_autofree PlHistoryCallInfo *calls = g_new0 (PlHistoryCallInfo, N_CALLS);
  g_autofree PlHistoryParkInfo *parks = g_new0 (PlHistoryParkInfo, 2 * N_CALLS);
  static const struct
  {
    const char *name;
    const char *uri;
  } peers[] = {
    { "Alice Example", "sip:201@pbx.test" },
    { NULL, "sip:202@pbx.test" },
    { "Bob Builder", "sip:203@pbx.test" },
    { "Front Desk", "sip:100@pbx.test" },
  };
  guint n_parks = 0;
  gpointer weak;

  g_assert_true (pl_history_open_sync (history, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < N_CALLS; i++)
    {
      gint64 started = call_started (fx, i);
      gboolean parked = i % 10 == 0;
      gboolean missed = !parked && i % 4 == 0;
      gboolean outgoing = !parked && !missed && i % 3 == 0;

      calls[i] = (PlHistoryCallInfo){
        .direction = outgoing ? PL_CALL_DIRECTION_OUTGOING : PL_CALL_DIRECTION_INCOMING,
        .peer_name = peers[i % G_N_ELEMENTS (peers)].name,
        .peer_uri = peers[i % G_N_ELEMENTS (peers)].uri,
        .started = started,
        .answered = missed ? 0 : started + 5 * G_USEC_PER_SEC,
        .ended = started + (missed ? 20 : 5 + 60 + i) * G_USEC_PER_SEC,
        .end = missed   ? PL_CALL_END_MISSED
               : parked ? PL_CALL_END_PARKED
                        : PL_CALL_END_HANGUP,
      };
      if (i % 50 == 7)
        {
          calls[i].peer_name = "Zoë Quartermain";
          calls[i].peer_uri = "sip:4477@pbx.test";
        }
      if (parked)
        {
          gint64 parked_at = started + 20 * G_USEC_PER_SEC;

          parks[n_parks++] = (PlHistoryParkInfo){ .call_row = -(gint64)(i + 1),
                                                  .slot = "701",
                                                  .action = PL_HISTORY_PARK_ACTION_PARKED,
                                                  .actor = PL_HISTORY_PARK_ACTOR_ME,
                                                  .parked_at = parked_at,
                                                  .at = parked_at };
          parks[n_parks++] = (PlHistoryParkInfo){
            .call_row = -(gint64)(i + 1),
            .slot = "701",
            .action
            = i % 20 == 0 ? PL_HISTORY_PARK_ACTION_RETURNED : PL_HISTORY_PARK_ACTION_TAKEN_BY_OTHER,
            .actor = PL_HISTORY_PARK_ACTOR_OTHER,
            .parked_at = parked_at,
            .at = parked_at + (i % 20 == 0 ? 45 : 41) * G_USEC_PER_SEC,
          };
        }
    }
  g_assert_true (pl_history_insert_batch_sync (history, calls, N_CALLS, parks, n_parks, &error));
  g_assert_no_error (error);
  if (fx->big)
    {
      g_autofree PlHistoryCallInfo *more = g_new0 (PlHistoryCallInfo, N_BIG);

      for (guint i = 0; i < N_BIG; i++)
        {
          gint64 started = call_started (fx, N_CALLS + i);
          more[i] = (PlHistoryCallInfo){ .direction = PL_CALL_DIRECTION_INCOMING,
                                         .peer_uri = "sip:555@pbx.test",
                                         .started = started,
                                         .answered = started + G_USEC_PER_SEC,
                                         .ended = started + 9 * G_USEC_PER_SEC,
                                         .end = PL_CALL_END_HANGUP };
        }
      g_assert_true (pl_history_insert_batch_sync (history, more, N_BIG, NULL, 0, &error));
      g_assert_no_error (error);
    }

  weak = history;
  g_object_add_weak_pointer (G_OBJECT (history), &weak);
  g_clear_object (&history);
  g_assert_true (PL_TEST_WAIT (weak == NULL, 5000));
}

static void
toast_cb (Fixture *fx, const char *text)
{
  g_ptr_array_add (fx->toasts, g_strdup (text));
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);

  fx->now = g_get_real_time ();
  fx->dir = pl_test_make_dir ("history-page");
  fx->history_path = g_build_filename (fx->dir, "history.db", NULL);
  fx->toasts = g_ptr_array_new_with_free_func (g_free);
  if (fx->corrupt)
    g_assert_true (g_file_set_contents (fx->history_path,
                                        "This is not a database, but it is where one should be.\n"
                                        "Damaged by a disk that lied about a write.\n",
                                        -1, NULL));
  else
    fill_history (fx);
  g_settings_set_uint (settings, "history-retention-days", fx->retention_days);

  fx->account = pl_account_new ("test");
  pl_account_set_user (fx->account, "100");
  pl_account_set_domain (fx->account, "pbx.test");
  fx->engine = pl_script_engine_new (NULL);
  fx->core = pl_core_new (PL_ENGINE (fx->engine), settings, fx->history_path);
  pl_core_use_account (fx->core, fx->account);
  fx->app = pl_application_new_with_core (fx->core);
}

static void
fixture_setup_corrupt (Fixture *fx, gconstpointer data)
{
  fx->corrupt = TRUE;
  fixture_setup (fx, data);
}

static void
fixture_setup_big (Fixture *fx, gconstpointer data)
{
  fx->big = TRUE;
  fixture_setup (fx, data);
}

static void
fixture_setup_retention (Fixture *fx, gconstpointer data)
{
  fx->retention_days = 2;
  fixture_setup (fx, data);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);

  pl_ui_test_finalize_all (fx->app, fx->core, fx->engine, fx->account);
  g_settings_reset (settings, "history-retention-days");
  g_ptr_array_unref (fx->toasts);
  pl_test_remove_tree (fx->dir);
  g_free (fx->dir);
  g_free (fx->history_path);
}

static GtkWidget *
window_child (Fixture *fx, const char *name)
{
  return pl_ui_test_template_child (fx->window, PL_TYPE_WINDOW, name);
}

static PlHistoryPage *
page (Fixture *fx)
{
  PlHistoryPage *history_page = pl_window_get_history_page (PL_WINDOW (fx->window));

  g_assert_true (PL_IS_HISTORY_PAGE (history_page));
  return history_page;
}

static GtkWidget *
page_child (Fixture *fx, const char *name)
{
  return pl_ui_test_template_child (page (fx), PL_TYPE_HISTORY_PAGE, name);
}

static GtkWidget *
row_child (PlHistoryRow *row, const char *name)
{
  return pl_ui_test_template_child (row, PL_TYPE_HISTORY_ROW, name);
}

static PlHistoryModel *
model (Fixture *fx)
{
  PlHistoryModel *m = pl_history_page_get_model (page (fx));
  g_assert_nonnull (m);
  return m;
}

static guint
n_items (Fixture *fx)
{
  return g_list_model_get_n_items (G_LIST_MODEL (model (fx)));
}

static const char *
shown (Fixture *fx)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (page_child (fx, "content_stack")));
}

static gboolean
settled (Fixture *fx)
{
  return !pl_history_model_get_loading (model (fx));
}

static void
collect_rows (GtkWidget *widget, GPtrArray *rows)
{
  if (PL_IS_HISTORY_ROW (widget))
    {
      if (gtk_widget_get_mapped (widget) && pl_history_row_get_entry (PL_HISTORY_ROW (widget)))
        g_ptr_array_add (rows, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

/* The rows the list view has built and shows, top to bottom. */
static GPtrArray *
visible_rows (Fixture *fx)
{
  GPtrArray *rows = g_ptr_array_new ();

  collect_rows (page_child (fx, "history_view"), rows);
  return rows;
}

static guint
n_visible_rows (Fixture *fx)
{
  g_autoptr (GPtrArray) rows = visible_rows (fx);
  return rows->len;
}

static gboolean
toasted (Fixture *fx, const char *text)
{
  for (guint i = 0; i < fx->toasts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (fx->toasts, i), text) == 0)
      return TRUE;
  return FALSE;
}

/* Every control has a name a screen reader can say. */
static void
show_history (Fixture *fx)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-history", NULL));
  g_assert_cmpstr (
      adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (window_child (fx, "view_stack"))), ==,
      "history");
  g_assert_true (PL_TEST_WAIT (gtk_widget_get_mapped (GTK_WIDGET (page (fx))), 5000));
}

static void
show_full_history (Fixture *fx)
{
  show_history (fx);
  g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == N_CALLS, 5000));
  g_assert_true (PL_TEST_WAIT (n_visible_rows (fx) > 3, 5000));
}

static void
set_filter (Fixture *fx, const char *name)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page (fx)), "history.filter", "s", name));
}

/* The body runs inside g_application_run (), as the application would. */
static gboolean
body_idle (gpointer user_data)
{
  Fixture *fx = user_data;
  GtkApplication *app = GTK_APPLICATION (fx->app);

  pl_ui_test_await_window (app, (gpointer *)&fx->window);
  g_assert_true (PL_IS_WINDOW (fx->window));
  fx->page_prebuilt = adw_bin_get_child (ADW_BIN (window_child (fx, "history_slot"))) != NULL;
  g_signal_connect_swapped (page (fx), "toast", G_CALLBACK (toast_cb), fx);
  g_test_message ("window up %" G_GINT64_FORMAT " ms after start",
                  (g_get_monotonic_time () - fx->started) / 1000);

  fx->body (fx, NULL);

  pl_ui_test_destroy_windows (app, (gpointer *)&fx->window);
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

static void
run_test (Fixture *fx, gconstpointer data)
{
  fx->body = (void (*) (gpointer, gconstpointer))data;
  fx->started = g_get_monotonic_time ();
  pl_ui_test_run_app (G_APPLICATION (fx->app), NULL, body_idle, fx);
  g_assert_null (fx->window);
}

/* Tests -------------------------------------------------------------------- */

static void
test_format (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_local (2026, 5, 20, 9, 30, 0); /* a Wednesday */
  static const struct
  {
    const char *day;
    const char *expected;
  } days[] = {
    { "2026-05-20", "Today" },
    { "2026-05-19", "Yesterday" },
    { "2026-05-18", "Monday" },
    { "2026-05-14", "Thursday" },
    { "2026-05-13", "Wednesday, 13 May" },
    { "2026-01-02", "Friday, 2 January" },
    { "2025-12-31", "31 December 2025" },
    { "garbage", "garbage" },
  };
  static const struct
  {
    const char *slot;
    PlHistoryParkAction action;
    gint64 waited_s;
    const char *expected;
  } summaries[] = {
    { "702", PL_HISTORY_PARK_ACTION_PARKED, -1, "Parked on 702" },
    { "702", PL_HISTORY_PARK_ACTION_RETURNED, 45, "Parked on 702 · returned after 0:45" },
    { "702", PL_HISTORY_PARK_ACTION_RETURNED, -1, "Parked on 702 · returned" },
    { "701", PL_HISTORY_PARK_ACTION_RETRIEVED, 3600 + 61,
      "Parked on 701 · retrieved after 1:01:01" },
    { NULL, PL_HISTORY_PARK_ACTION_ABANDONED, 30, "Parked · caller hung up after 0:30" },
    { "6001", PL_HISTORY_PARK_ACTION_TAKEN_BY_OTHER, 41,
      "Parked on 6001 · picked up elsewhere after 0:41" },
    { "701", PL_HISTORY_PARK_ACTION_PAGED, -1, "Parked on 701 · team paged" },
    { "702", PL_HISTORY_PARK_ACTION_NONE, -1, NULL },
  };
  gint64 ten = g_date_time_to_unix (now) * G_USEC_PER_SEC + 32 * 60 * G_USEC_PER_SEC; /* 10:02 */
  static const struct
  {
    PlHistoryParkAction action;
    PlHistoryParkActor actor;
    const char *slot;
    int after_s; /* < 0: not known */
    const char *expected;
    const char *party;
  } events[] = {
    { PL_HISTORY_PARK_ACTION_PAGED, PL_HISTORY_PARK_ACTOR_ME, "701", 3, "Paged 600 by me · 10:02",
      "600" },
    { PL_HISTORY_PARK_ACTION_PAGED, PL_HISTORY_PARK_ACTOR_OTHER, "701", 3,
      "Paged by someone else · 10:02", NULL },
    { PL_HISTORY_PARK_ACTION_PARKED, PL_HISTORY_PARK_ACTOR_ME, "702", 0,
      "Parked on 702 by me · 10:02" },
    { PL_HISTORY_PARK_ACTION_PARKED, PL_HISTORY_PARK_ACTOR_OTHER, "702", 0,
      "Parked on 702 by someone else · 10:02" },
    { PL_HISTORY_PARK_ACTION_PARKED, PL_HISTORY_PARK_ACTOR_ME, NULL, 0, "Parked by me · 10:02" },
    { PL_HISTORY_PARK_ACTION_RETRIEVED, PL_HISTORY_PARK_ACTOR_OTHER, "702", 41,
      "Retrieved by someone else after 0:41 · 10:02" },
    { PL_HISTORY_PARK_ACTION_RETRIEVED, PL_HISTORY_PARK_ACTOR_ME, "702", -1,
      "Retrieved by me · 10:02" },
    { PL_HISTORY_PARK_ACTION_RETURNED, PL_HISTORY_PARK_ACTOR_OTHER, "702", 45,
      "Rang back from 702 after 0:45 · 10:02" },
    { PL_HISTORY_PARK_ACTION_ABANDONED, PL_HISTORY_PARK_ACTOR_OTHER, "702", 12,
      "Caller hung up after 0:12 · 10:02" },
    { PL_HISTORY_PARK_ACTION_TAKEN_BY_OTHER, PL_HISTORY_PARK_ACTOR_OTHER, "702", 75,
      "Picked up by someone else after 1:15 · 10:02" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (days); i++)
    {
      g_autofree char *text = pl_history_format_day (days[i].day, now);
      g_test_message ("day %s", days[i].day);
      g_assert_cmpstr (text, ==, days[i].expected);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (summaries); i++)
    {
      g_autofree char *text = pl_history_format_park_summary (
          summaries[i].slot, summaries[i].action,
          summaries[i].waited_s < 0 ? -1 : summaries[i].waited_s * G_USEC_PER_SEC);
      g_test_message ("summary %zu", i);
      g_assert_cmpstr (text, ==, summaries[i].expected);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (events); i++)
    {
      PlHistoryParkEvent event = {
        .slot = (char *)events[i].slot,
        .action = events[i].action,
        .actor = events[i].actor,
        .parked_at = events[i].after_s < 0 ? 0 : ten - events[i].after_s * G_USEC_PER_SEC,
        .at = ten,
        .party = (char *)events[i].party,
      };
      g_autofree char *text = pl_history_format_park_event (&event);
      g_test_message ("event %zu", i);
      g_assert_cmpstr (text, ==, events[i].expected);
    }

  {
    g_autofree char *time = pl_history_format_time (ten);
    g_assert_cmpstr (time, ==, "10:02");
  }
  {
    static const struct
    {
      PlCallTransfer transfer;
      const char *party;
      const char *expected;
    } transfers[] = {
      { PL_CALL_TRANSFER_JOINED, "Bob", "Consulted Bob, then joined them" },
      { PL_CALL_TRANSFER_BLIND, "Bob", "Consulted Bob, then transferred blind" },
      { PL_CALL_TRANSFER_CONSULTATION, "Caller One", "Consultation about Caller One" },
      { PL_CALL_TRANSFER_CONSULTATION, "", "Consultation for a transfer" },
      { PL_CALL_TRANSFER_NONE, "Bob", NULL },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (transfers); i++)
      {
        g_autofree char *text
            = pl_history_format_transfer (transfers[i].transfer, transfers[i].party);
        g_assert_cmpstr (text, ==, transfers[i].expected);
      }
  }
}

/* Start-up does not read the history: the page shows only what it is asked
 * for, and the list builds only the rows on screen. */
static void
test_list (Fixture *fx, gconstpointer data)
{
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GHashTable) days = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_headers = 0;
  PlHistoryRow *first;

  show_full_history (fx);
  g_assert_cmpstr (shown (fx), ==, "list");

  /* Lazy: GTK 4.8 builds about 200 rows around the view, not all. */
  rows = visible_rows (fx);
  g_assert_cmpuint (rows->len, >, 3);
  g_assert_cmpuint (rows->len, <, N_CALLS);

  /* Newest first; the first row opens its day with a header. */
  first = g_ptr_array_index (rows, 0);
  g_assert_true (gtk_widget_get_visible (row_child (first, "day_label")));
  {
    g_autofree char *expected
        = pl_history_format_day (pl_history_entry_get_day (pl_history_row_get_entry (first)), now);
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (row_child (first, "day_label"))), ==,
                     expected);
  }
  /* A header exactly where a new day starts, in the model and on screen. */
  for (guint i = 0; i < N_CALLS; i++)
    {
      g_autoptr (GDateTime) started
          = g_date_time_new_from_unix_local (call_started (fx, i) / G_USEC_PER_SEC);
      g_hash_table_add (days, g_date_time_format (started, "%Y-%m-%d"));
      if (pl_history_model_starts_day (model (fx), i))
        n_headers++;
    }
  g_assert_cmpuint (n_headers, ==, g_hash_table_size (days));
  g_assert_cmpuint (n_headers, >=, 5);
  for (guint i = 1; i < rows->len; i++)
    {
      PlHistoryRow *row = g_ptr_array_index (rows, i);
      PlHistoryRow *above = g_ptr_array_index (rows, i - 1);
      gboolean new_day = g_strcmp0 (pl_history_entry_get_day (pl_history_row_get_entry (row)),
                                    pl_history_entry_get_day (pl_history_row_get_entry (above)))
                         != 0;
      g_assert_cmpint (gtk_widget_get_visible (row_child (row, "day_label")), ==, new_day);
    }

  /* The first call is parked and rang back: its park line says so. */
  g_assert_true (gtk_widget_get_visible (row_child (first, "park_label")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (row_child (first, "park_label"))), ==,
                   "Parked on 701 · returned after 0:45");
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->window), "history");
  /* Search, menu, four filters, the button of every row built. */
  g_assert_cmpuint (pl_ui_test_check_accessible_names (GTK_WIDGET (page (fx))), >, 6 + 3);

  /* Scrolling far down shows older days with their headers. */
  {
    GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (
        GTK_SCROLLABLE (gtk_widget_get_parent (page_child (fx, "history_view"))));
    gboolean older_header = FALSE;

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) / 2);
    g_assert_true (
        PL_TEST_WAIT (({
                        g_autoptr (GPtrArray) now_rows = visible_rows (fx);
                        PlHistoryEntry *top
                            = now_rows->len ? pl_history_row_get_entry (now_rows->pdata[0]) : NULL;
                        top != NULL &&pl_history_entry_get_started (top) < call_started (fx, 60);
                      }),
                      5000));
    g_clear_pointer (&rows, g_ptr_array_unref);
    rows = visible_rows (fx);
    for (guint i = 0; i < rows->len; i++)
      {
        PlHistoryRow *row = rows->pdata[i];
        const char *text = gtk_label_get_label (GTK_LABEL (row_child (row, "day_label")));
        if (gtk_widget_get_visible (row_child (row, "day_label")) && g_strcmp0 (text, "Today") != 0)
          older_header = TRUE;
      }
    /* About 58 rows a day: half way down a screenful crosses a day or two
     * often, but not always; the model check above is the strict one. */
    g_test_message ("older header on screen: %d", older_header);
    pl_ui_test_save_screenshot (GTK_WIDGET (fx->window), "history-scrolled");
  }
}

static void
test_search (Fixture *fx, gconstpointer data)
{
  GtkWidget *entry = page_child (fx, "search_entry");
  g_autoptr (GPtrArray) rows = NULL;

  show_full_history (fx);
  /* Switching to the page puts the focus in the search. */
  g_assert_true (gtk_widget_is_focus (entry)
                 || gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fx->window)), entry));

  /* Search as you type, after the entry's own delay. */
  pl_ui_test_type_into (entry, "Quarter");
  g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == N_QUARTERMAIN, 5000));
  g_assert_cmpstr (pl_history_model_get_search (model (fx)), ==, "Quarter");
  g_assert_true (PL_TEST_WAIT (n_visible_rows (fx) == N_QUARTERMAIN, 5000));
  rows = visible_rows (fx);
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpstr (pl_history_entry_get_title (pl_history_row_get_entry (rows->pdata[i])), ==,
                     "Zoë Quartermain");
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->window), "history-search");

  /* Enter takes the keyboard to the results. */
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fx->window)),
                                         page_child (fx, "history_view")));

  /* By number too, fewer than three characters included. */
  pl_ui_test_type_into (entry, "4477");
  g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == N_QUARTERMAIN
                                   && !g_strcmp0 (pl_history_model_get_search (model (fx)), "4477"),
                               5000));
  pl_ui_test_type_into (entry, "20");
  g_assert_true (PL_TEST_WAIT (
      settled (fx) && !g_strcmp0 (pl_history_model_get_search (model (fx)), "20"), 5000));
  g_assert_cmpuint (n_items (fx), >, 0);
  g_assert_cmpuint (n_items (fx), <, N_CALLS);

  /* Nothing found: the status page says so. */
  pl_ui_test_type_into (entry, "no such caller");
  g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == 0, 5000));
  g_assert_true (PL_TEST_WAIT (g_strcmp0 (shown (fx), "no-matches") == 0, 5000));
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->window), "history-no-matches");

  /* Emptying the search brings everything back. */
  pl_ui_test_type_into (entry, "");
  g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == N_CALLS, 5000));
  g_assert_cmpstr (shown (fx), ==, "list");
}

static void
test_filter (Fixture *fx, gconstpointer data)
{
  static const struct
  {
    const char *name;
    guint expected;
  } cases[] = {
    { "missed", N_MISSED },
    { "parked", N_PARKED },
    { "returned", N_RETURNED },
    { "all", N_CALLS },
  };

  show_full_history (fx);
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (GPtrArray) rows = NULL;

      set_filter (fx, cases[c].name);
      g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == cases[c].expected, 5000));
      g_assert_true (PL_TEST_WAIT (n_visible_rows (fx) > 3, 5000));
      rows = visible_rows (fx);
      for (guint i = 0; i < rows->len; i++)
        {
          PlHistoryRow *row = rows->pdata[i];
          PlHistoryEntry *entry = pl_history_row_get_entry (row);
          GtkWidget *outcome = row_child (row, "outcome_label");

          if (g_str_equal (cases[c].name, "missed"))
            {
              g_assert_cmpstr (pl_history_entry_get_outcome (entry), ==, "missed");
              g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (outcome)), ==, "Missed");
              /* Missed calls stand out in the error colour. */
              g_assert_true (gtk_widget_has_css_class (outcome, "error"));
              g_assert_true (gtk_widget_has_css_class (row_child (row, "direction_icon"), "error"));
            }
          else if (g_str_equal (cases[c].name, "parked"))
            g_assert_true (pl_history_entry_get_parked (entry));
          else if (g_str_equal (cases[c].name, "returned"))
            {
              g_assert_true (pl_history_entry_get_returned (entry));
              g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (row_child (row, "park_label"))), ==,
                               "Parked on 701 · returned after 0:45");
            }
        }
      if (g_str_equal (cases[c].name, "missed"))
        pl_ui_test_save_screenshot (GTK_WIDGET (fx->window), "history-missed");
    }

  /* A filter with a search that matches nothing in it. */
  set_filter (fx, "returned");
  pl_ui_test_type_into (page_child (fx, "search_entry"), "Quarter");
  g_assert_true (
      PL_TEST_WAIT (settled (fx) && n_items (fx) == 0
                        && !g_strcmp0 (pl_history_model_get_search (model (fx)), "Quarter"),
                    5000));
  g_assert_true (PL_TEST_WAIT (g_strcmp0 (shown (fx), "no-matches") == 0, 5000));
}

static void
test_call_back (Fixture *fx, gconstpointer data)
{
  g_autoptr (GPtrArray) rows = NULL;
  PlHistoryRow *row = NULL;
  GtkWidget *button;
  PlCall *call;

  show_full_history (fx);
  pl_ui_test_type_into (page_child (fx, "search_entry"), "Quarter");
  g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == N_QUARTERMAIN, 5000));
  g_assert_true (PL_TEST_WAIT (n_visible_rows (fx) == N_QUARTERMAIN, 5000));
  rows = visible_rows (fx);
  row = rows->pdata[0];
  button = row_child (row, "call_button");
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));

  pl_script_engine_clear_log (fx->engine);
  /* A real click on the row's button, through the action it carries. */
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, "dial - sip:4477@pbx.test"), 5000));
  /* The call is in front: the phone page shows it. */
  g_assert_cmpstr (
      adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (window_child (fx, "view_stack"))), ==,
      "phone");
  call = pl_call_manager_get_active_call (pl_application_get_call_manager (fx->app));
  g_assert_nonnull (call);

  /* The call is answered and ends: the recorder writes it, and the open
   * history shows it at the top, live. */
  /* The engine names the call it placed in its first event about it. */
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, "c1",
                         PL_CALL_DIRECTION_OUTGOING, "sip:4477@pbx.test", NULL);
  g_assert_cmpint (pl_call_get_state (call), ==, PL_CALL_STATE_ACTIVE);
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_CLOSED, "c1", PL_CALL_DIRECTION_OUTGOING,
                         "sip:4477@pbx.test", "Connection reset by user");
  show_history (fx);
  pl_ui_test_type_into (page_child (fx, "search_entry"), "");
  g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == N_CALLS + 1, 5000));
  g_assert_true (PL_TEST_WAIT (
      ({
        g_autoptr (GPtrArray) now_rows = visible_rows (fx);
        PlHistoryEntry *top = now_rows->len ? pl_history_row_get_entry (now_rows->pdata[0]) : NULL;
        top != NULL &&pl_history_entry_get_direction (top) == PL_CALL_DIRECTION_OUTGOING
            && !pl_history_entry_get_in_progress (top);
      }),
      5000));
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = visible_rows (fx);
  row = rows->pdata[0];
  g_assert_cmpstr (pl_history_entry_get_peer_number (pl_history_row_get_entry (row)), ==, "4477");
  g_assert_cmpstr (pl_history_entry_get_outcome (pl_history_row_get_entry (row)), ==, "answered");
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (row_child (row, "direction_icon"))), ==,
                   "call-outgoing-symbolic");
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->window), "history-live");
}

static void
test_timeline (Fixture *fx, gconstpointer data)
{
  g_autoptr (GPtrArray) rows = NULL;
  PlHistoryRow *row;
  GtkWidget *timeline;
  GtkWidget *line;
  g_autofree char *parked_time = NULL;
  g_autofree char *returned_time = NULL;
  g_autofree char *first_line = NULL;
  g_autofree char *second_line = NULL;

  show_full_history (fx);
  rows = visible_rows (fx);
  row = rows->pdata[0];
  timeline = row_child (row, "timeline_box");
  g_assert_false (gtk_widget_get_visible (timeline));
  g_assert_true (gtk_widget_get_visible (row_child (row, "expand_icon")));

  /* Activating the parked call opens its park timeline, oldest first. */
  g_signal_emit_by_name (page_child (fx, "history_view"), "activate", 0u);
  g_assert_true (pl_history_row_get_expanded (row));
  g_assert_true (gtk_widget_get_visible (timeline));
  parked_time = pl_history_format_time (call_started (fx, 0) + 20 * G_USEC_PER_SEC);
  returned_time = pl_history_format_time (call_started (fx, 0) + 65 * G_USEC_PER_SEC);
  first_line = g_strdup_printf ("Parked on 701 by me · %s", parked_time);
  second_line = g_strdup_printf ("Rang back from 701 after 0:45 · %s", returned_time);
  line = gtk_widget_get_first_child (timeline);
  g_assert_nonnull (line);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (line)), ==, first_line);
  line = gtk_widget_get_next_sibling (line);
  g_assert_nonnull (line);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (line)), ==, second_line);
  g_assert_null (gtk_widget_get_next_sibling (line));
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->window), "history-timeline");

  /* A call that was not parked has no timeline to open. */
  g_signal_emit_by_name (page_child (fx, "history_view"), "activate", 1u);
  g_assert_false (pl_history_row_get_expanded (rows->pdata[1]));

  /* Activating again closes it. */
  g_signal_emit_by_name (page_child (fx, "history_view"), "activate", 0u);
  g_assert_false (pl_history_row_get_expanded (row));
  g_assert_false (gtk_widget_get_visible (timeline));
}

static void
test_clear (Fixture *fx, gconstpointer data)
{
  AdwMessageDialog *dialog;
  g_autoptr (GError) error = NULL;

  show_full_history (fx);

  /* Asked first; cancelling keeps everything. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page (fx)), "history.clear", NULL));
  g_assert_true (
      PL_TEST_WAIT ((dialog = pl_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, 5000));
  pl_ui_test_save_screenshot (GTK_WIDGET (dialog), "history-clear-dialog");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (PL_TEST_WAIT (pl_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL, 5000));
  pl_test_spin (200);
  g_assert_cmpuint (n_items (fx), ==, N_CALLS);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page (fx)), "history.clear", NULL));
  g_assert_true (
      PL_TEST_WAIT ((dialog = pl_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, 5000));
  adw_message_dialog_response (dialog, "clear");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (PL_TEST_WAIT (toasted (fx, "Call history cleared"), 5000));
  g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == 0, 5000));
  g_assert_true (PL_TEST_WAIT (g_strcmp0 (shown (fx), "empty") == 0, 5000));
  g_assert_cmpint (
      pl_history_count_sync (pl_core_get_history (fx->core), PL_HISTORY_FILTER_ALL, NULL, &error),
      ==, 0);
  g_assert_no_error (error);
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->window), "history-empty");
}

static void
test_corrupt (Fixture *fx, gconstpointer data)
{
  PlHistory *history = pl_core_get_history (fx->core);
  GtkWidget *status = page_child (fx, "disabled_page");
  g_autoptr (GDir) dir = NULL;
  const char *name;
  gboolean kept = FALSE;

  show_history (fx);
  g_assert_true (PL_TEST_WAIT (pl_history_get_disabled (history), 5000));
  g_assert_true (PL_TEST_WAIT (g_strcmp0 (shown (fx), "disabled") == 0, 5000));
  g_assert_nonnull (pl_history_get_problem (history));
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (status)), ==,
                   pl_history_get_problem (history));
  /* Nothing to search or filter; the banner says it too. */
  g_assert_false (gtk_widget_get_visible (page_child (fx, "toolbar")));
  g_assert_true (
      gtk_revealer_get_reveal_child (GTK_REVEALER (window_child (fx, "problem_revealer"))));
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->window), "history-disabled");

  /* "Start a New History" moves the damaged file aside and starts empty. */
  g_signal_emit_by_name (page_child (fx, "start_new_button"), "clicked");
  g_assert_true (PL_TEST_WAIT (!pl_history_get_disabled (history), 5000));
  g_assert_true (PL_TEST_WAIT (g_strcmp0 (shown (fx), "empty") == 0, 5000));
  g_assert_true (PL_TEST_WAIT (toasted (fx, "A new call history was started"), 5000));
  g_assert_true (gtk_widget_get_visible (page_child (fx, "toolbar")));
  /* History works again: the banner about it goes away. */
  g_assert_true (PL_TEST_WAIT (
      !gtk_revealer_get_reveal_child (GTK_REVEALER (window_child (fx, "problem_revealer"))), 5000));
  dir = g_dir_open (fx->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "history.db.damaged-"))
      kept = TRUE;
  g_assert_true (kept);
}

static void
test_export (Fixture *fx, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "missed.csv", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;

  show_full_history (fx);
  set_filter (fx, "missed");
  g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == N_MISSED, 5000));

  /* The menu's file chooser ends here; what is shown is what is written. */
  pl_history_page_export_to (page (fx), file);
  g_assert_true (PL_TEST_WAIT (toasted (fx, "Exported 60 calls"), 5000));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  /* A header, 60 rows and the empty string after the last newline. */
  g_assert_cmpuint (g_strv_length (lines), ==, N_MISSED + 2);
  g_assert_cmpstr (lines[N_MISSED + 1], ==, "");

  /* A folder that does not exist: the error is a toast, not a crash. */
  {
    g_autofree char *bad = g_build_filename (fx->dir, "no", "such", "dir.csv", NULL);
    g_autoptr (GFile) bad_file = g_file_new_for_path (bad);
    guint before = fx->toasts->len;

    pl_history_page_export_to (page (fx), bad_file);
    g_assert_true (PL_TEST_WAIT (fx->toasts->len > before, 5000));
    g_assert_true (g_str_has_prefix (g_ptr_array_index (fx->toasts, before),
                                     "Could not export the call history: "));
  }
}

/* Retention at start-up (2 days, from the fixture) and when changed. */
static void
test_retention (Fixture *fx, gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  guint kept_two = 0, kept_one = 0;

  for (guint i = 0; i < N_CALLS; i++)
    {
      if (call_started (fx, i) >= fx->now - 2 * G_TIME_SPAN_DAY)
        kept_two++;
      if (call_started (fx, i) >= fx->now - 1 * G_TIME_SPAN_DAY)
        kept_one++;
    }
  g_assert_cmpuint (kept_two, <, N_CALLS);

  show_history (fx);
  PL_TEST_WAIT (settled (fx) && n_items (fx) == kept_two, 5000);
  g_assert_cmpuint (n_items (fx), ==, kept_two);

  /* The menu's radio items set the key through the page's action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page (fx)),
                                             "history.history-retention-days", "u", 1));
  g_assert_cmpuint (g_settings_get_uint (settings, "history-retention-days"), ==, 1);
  g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == kept_one, 5000));
}

/* Ctrl+2 and Ctrl+1 from the one accelerator table, as real key presses. */
static void
test_keys (Fixture *fx, gconstpointer data)
{
  AdwViewStack *stack = ADW_VIEW_STACK (window_child (fx, "view_stack"));

  PL_UI_TEST_SEND_KEYS_OR_SKIP (fx->window, "ctrl+2");
  g_assert_true (PL_TEST_WAIT (
      g_strcmp0 (adw_view_stack_get_visible_child_name (stack), "history") == 0, 5000));
  /* Typing digits there searches instead of dialling. */
  g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == N_CALLS, 5000));
  PL_UI_TEST_SEND_KEYS_OR_SKIP (fx->window, "4", "4", "7", "7");
  g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == N_QUARTERMAIN, 5000));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window_child (fx, "dial_entry"))), ==, "");
  PL_UI_TEST_SEND_KEYS_OR_SKIP (fx->window, "ctrl+1");
  g_assert_true (
      PL_TEST_WAIT (g_strcmp0 (adw_view_stack_get_visible_child_name (stack), "phone") == 0, 5000));
  /* The header toggles follow and name their keys. */
  g_assert_cmpstr (gtk_widget_get_tooltip_text (window_child (fx, "history_page_button")), ==,
                   "Call History (Ctrl+2)");
}

/* Not part of the first frame: the page (and its model's queries) come when
 * the history is first shown; then it is the page in the view stack. */
static void
test_built_on_demand (Fixture *fx, gconstpointer data)
{
  g_assert_false (fx->page_prebuilt);
  show_full_history (fx);
  g_assert_true (adw_bin_get_child (ADW_BIN (window_child (fx, "history_slot")))
                 == GTK_WIDGET (page (fx)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page (fx))));
}

/* A history too big to read at once: the list builds rows for what is on
 * screen only, at start-up and after every filter switch. How fast that is
 * belongs to bench/history, not here. */
static void
test_big (Fixture *fx, gconstpointer data)
{
  static const char *const steps[] = { "missed", "all", "parked", "all" };

  show_history (fx);
  g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == N_CALLS + N_BIG, 20000));
  g_assert_true (PL_TEST_WAIT (n_visible_rows (fx) > 3, 5000));
  /* GTK 4.8 builds about 200 rows around the view, whatever the length. */
  g_assert_cmpuint (n_visible_rows (fx), <=, 300);

  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      guint expected = g_str_equal (steps[i], "missed")   ? N_MISSED
                       : g_str_equal (steps[i], "parked") ? N_PARKED
                                                          : N_CALLS + N_BIG;

      set_filter (fx, steps[i]);
      g_assert_true (PL_TEST_WAIT (settled (fx) && n_items (fx) == expected, 30000));
      g_assert_true (PL_TEST_WAIT (n_visible_rows (fx) > 3, 5000));
      g_assert_cmpuint (n_visible_rows (fx), <=, 300);
    }
}

int
main (int argc, char *argv[])
{
  g_autofree char *scratch = NULL;
  int status;

  /* The expected day names and dates are English. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  scratch = pl_ui_test_init (&argc, &argv, "pl-history-ui-XXXXXX");

  g_test_add_func ("/ui/history/format", test_format);
#define ADD(path, func, setup)                                                                     \
  g_test_add (path, Fixture, (gconstpointer)(TestBody)func, setup, run_test, fixture_teardown)
  ADD ("/ui/history/list", test_list, fixture_setup);
  ADD ("/ui/history/search", test_search, fixture_setup);
  ADD ("/ui/history/filter", test_filter, fixture_setup);
  ADD ("/ui/history/call-back", test_call_back, fixture_setup);
  ADD ("/ui/history/timeline", test_timeline, fixture_setup);
  ADD ("/ui/history/clear", test_clear, fixture_setup);
  ADD ("/ui/history/corrupt", test_corrupt, fixture_setup_corrupt);
  ADD ("/ui/history/export", test_export, fixture_setup);
  ADD ("/ui/history/retention", test_retention, fixture_setup_retention);
  ADD ("/ui/history/keys", test_keys, fixture_setup);
  ADD ("/ui/history/big", test_big, fixture_setup_big);
  ADD ("/ui/history/built-on-demand", test_built_on_demand, fixture_setup);
#undef ADD
  status = g_test_run ();
  pl_test_remove_tree (scratch);
  return status;
}
