/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-history"

#include "config.h"

#include "pl-enums.h"
#include "pl-history-entry.h"
#include "pl-history-model.h"
#include "pl-util.h"

/* A page is one indexed query; a screenful is ~15 rows, so 100 rows cover
 * scrolling by several screens per fetch, and 32 pages bound the memory. */
#define PAGE_SIZE 100
#define MAX_PAGES 32

struct _PlHistoryModel
{
  GObject parent_instance;

  PlHistory *history;
  gulong changed_id;
  PlHistoryFilter filter;
  char *search;

  guint n_items;
  GHashTable *pages; /* page index → GPtrArray of PlHistoryEntry */
  GQueue lru;        /* page indices, most recently used first */
  GCancellable *counting;
  gboolean loading;
  gboolean recount;
  gboolean replace_all; /* the query changed: nothing of the old list stays */
};

static void pl_history_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PlHistoryModel, pl_history_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      pl_history_model_list_model_init))

enum
{
  PROP_0,
  PROP_HISTORY,
  PROP_FILTER,
  PROP_SEARCH,
  PROP_LOADING,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_count (PlHistoryModel *self, gboolean replace_all);
static GPtrArray *fetch_page (PlHistoryModel *self, guint page);

static void
drop_pages (PlHistoryModel *self)
{
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->lru);
}

static void
set_loading (PlHistoryModel *self, gboolean loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Calls arrive at the top of the list. When the old first row is now at
 * position k and exactly k rows were added, only say that, so the list keeps
 * its scroll position and selection; then refresh the rest of the first page,
 * where calls still in progress (the ones that get updated) live. */
static gboolean
apply_top_insert (PlHistoryModel *self, guint old, guint n)
{
  GPtrArray *page0 = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (0));
  GPtrArray *fresh;
  gint64 top_id;
  guint k, refresh;

  if (page0 == NULL || page0->len == 0 || n < old)
    return FALSE;
  top_id = pl_history_entry_get_id (page0->pdata[0]);
  drop_pages (self);
  fresh = fetch_page (self, 0);
  for (k = 0; k < fresh->len; k++)
    if (pl_history_entry_get_id (fresh->pdata[k]) == top_id)
      break;
  if (k == fresh->len || n != old + k)
    return FALSE;

  self->n_items = n;
  if (k > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, k);
  refresh = MIN (fresh->len - k, old);
  if (refresh > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), k, refresh, refresh);
  return TRUE;
}

static void
count_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (PlHistoryModel) self = data;
  g_autoptr (GError) error = NULL;
  gint64 n = pl_history_count_finish (PL_HISTORY (source), result, &error);
  guint old;

  /* A newer count replaced this one and owns the loading state. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->counting);
  if (error)
    {
      g_debug ("History list stays empty: %s", error->message);
      n = 0;
    }

  old = self->n_items;
  set_loading (self, FALSE);
  if (self->replace_all || error || !apply_top_insert (self, old, (guint)CLAMP (n, 0, G_MAXUINT)))
    {
      guint fresh = (guint)CLAMP (n, 0, G_MAXUINT);

      drop_pages (self);
      /* Said in two steps: when one signal both removes and adds, GTK 4.8's
       * list views look every added item up (all of them, each a page
       * query) to find widgets to reuse. */
      self->n_items = 0;
      if (old != 0)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, old, 0);
      self->n_items = fresh;
      if (fresh != 0)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, fresh);
    }
  self->replace_all = FALSE;
  if (old != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);

  if (self->recount)
    start_count (self, FALSE);
}

static void
start_count (PlHistoryModel *self, gboolean replace_all)
{
  self->replace_all |= replace_all;
  if (self->counting)
    g_cancellable_cancel (self->counting);
  g_clear_object (&self->counting);
  self->recount = FALSE;
  self->counting = g_cancellable_new ();
  set_loading (self, TRUE);
  pl_history_count_async (self->history, self->filter, self->search, self->counting, count_done,
                          g_object_ref (self));
}

/* New rows: recount after the count in flight (if any) rather than cancel
 * it, so a stream of writes cannot starve the list. */
static void
on_history_changed (PlHistory *history, PlHistoryModel *self)
{
  if (self->counting)
    self->recount = TRUE;
  else
    start_count (self, FALSE);
}

static GType
pl_history_model_get_item_type (GListModel *model)
{
  return PL_TYPE_HISTORY_ENTRY;
}

static guint
pl_history_model_get_n_items (GListModel *model)
{
  return PL_HISTORY_MODEL (model)->n_items;
}

static GPtrArray *
fetch_page (PlHistoryModel *self, guint page)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));

  if (rows)
    {
      GList *link = g_queue_find (&self->lru, GUINT_TO_POINTER (page));
      g_queue_unlink (&self->lru, link);
      g_queue_push_head_link (&self->lru, link);
      return rows;
    }

  rows = pl_history_query_sync (self->history, self->filter, self->search, page * PAGE_SIZE,
                                PAGE_SIZE, &error);
  if (rows == NULL)
    {
      g_debug ("History page %u not loaded: %s", page, error->message);
      rows = g_ptr_array_new_with_free_func (g_object_unref);
    }
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), rows);
  g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
  while (self->lru.length > MAX_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_tail (&self->lru));
  return rows;
}

static gpointer
pl_history_model_get_item (GListModel *model, guint position)
{
  PlHistoryModel *self = PL_HISTORY_MODEL (model);
  GPtrArray *rows;
  guint index = position % PAGE_SIZE;

  if (position >= self->n_items)
    return NULL;
  rows = fetch_page (self, position / PAGE_SIZE);
  if (index < rows->len)
    return g_object_ref (rows->pdata[index]);

  /* Rows vanished since the count (cleared, expired, or the store broke):
   * hand out a blank entry, as a list model must, and recount. */
  on_history_changed (self->history, self);
  return g_object_new (PL_TYPE_HISTORY_ENTRY, NULL);
}

static void
pl_history_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = pl_history_model_get_item_type;
  iface->get_n_items = pl_history_model_get_n_items;
  iface->get_item = pl_history_model_get_item;
}

static void
pl_history_model_dispose (GObject *object)
{
  PlHistoryModel *self = PL_HISTORY_MODEL (object);

  if (self->counting)
    g_cancellable_cancel (self->counting);
  g_clear_object (&self->counting);
  g_clear_signal_handler (&self->changed_id, self->history);
  g_clear_object (&self->history);
  if (self->pages)
    drop_pages (self);

  G_OBJECT_CLASS (pl_history_model_parent_class)->dispose (object);
}

static void
pl_history_model_finalize (GObject *object)
{
  PlHistoryModel *self = PL_HISTORY_MODEL (object);

  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_free (self->search);

  G_OBJECT_CLASS (pl_history_model_parent_class)->finalize (object);
}

static void
pl_history_model_constructed (GObject *object)
{
  PlHistoryModel *self = PL_HISTORY_MODEL (object);

  G_OBJECT_CLASS (pl_history_model_parent_class)->constructed (object);

  g_return_if_fail (PL_IS_HISTORY (self->history));
  self->changed_id
      = g_signal_connect (self->history, "changed", G_CALLBACK (on_history_changed), self);
  start_count (self, TRUE);
}

static void
pl_history_model_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlHistoryModel *self = PL_HISTORY_MODEL (object);

  switch (prop_id)
    {
      case PROP_HISTORY:
        g_value_set_object (value, self->history);
        break;
      case PROP_FILTER:
        g_value_set_enum (value, self->filter);
        break;
      case PROP_SEARCH:
        g_value_set_string (value, self->search);
        break;
      case PROP_LOADING:
        g_value_set_boolean (value, self->loading);
        break;
      case PROP_N_ITEMS:
        g_value_set_uint (value, self->n_items);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_history_model_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  PlHistoryModel *self = PL_HISTORY_MODEL (object);

  switch (prop_id)
    {
      case PROP_HISTORY:
        self->history = g_value_dup_object (value);
        break;
      case PROP_FILTER:
        pl_history_model_set_filter (self, g_value_get_enum (value));
        break;
      case PROP_SEARCH:
        pl_history_model_set_search (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_history_model_class_init (PlHistoryModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = pl_history_model_dispose;
  object_class->finalize = pl_history_model_finalize;
  object_class->constructed = pl_history_model_constructed;
  object_class->get_property = pl_history_model_get_property;
  object_class->set_property = pl_history_model_set_property;

  properties[PROP_HISTORY]
      = g_param_spec_object ("history", NULL, NULL, PL_TYPE_HISTORY,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILTER]
      = g_param_spec_enum ("filter", NULL, NULL, PL_TYPE_HISTORY_FILTER, PL_HISTORY_FILTER_ALL, rw);
  properties[PROP_SEARCH] = g_param_spec_string ("search", NULL, NULL, NULL, rw);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pl_history_model_init (PlHistoryModel *self)
{
  self->pages = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify)g_ptr_array_unref);
  g_queue_init (&self->lru);
}

PlHistoryModel *
pl_history_model_new (PlHistory *history)
{
  g_return_val_if_fail (PL_IS_HISTORY (history), NULL);
  return g_object_new (PL_TYPE_HISTORY_MODEL, "history", history, NULL);
}

PlHistory *
pl_history_model_get_history (PlHistoryModel *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_MODEL (self), NULL);
  return self->history;
}

PlHistoryFilter
pl_history_model_get_filter (PlHistoryModel *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_MODEL (self), PL_HISTORY_FILTER_ALL);
  return self->filter;
}

void
pl_history_model_set_filter (PlHistoryModel *self, PlHistoryFilter filter)
{
  g_return_if_fail (PL_IS_HISTORY_MODEL (self));

  if (self->filter == filter)
    return;
  self->filter = filter;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER]);
  if (self->history)
    start_count (self, TRUE);
}

const char *
pl_history_model_get_search (PlHistoryModel *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_MODEL (self), NULL);
  return self->search;
}

void
pl_history_model_set_search (PlHistoryModel *self, const char *search)
{
  g_return_if_fail (PL_IS_HISTORY_MODEL (self));

  if (search && !*search)
    search = NULL;
  if (!pl_set_str (&self->search, search))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
  /* Typing cancels the count for the previous text. */
  if (self->history)
    start_count (self, TRUE);
}

gboolean
pl_history_model_get_loading (PlHistoryModel *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_MODEL (self), FALSE);
  return self->loading;
}

gboolean
pl_history_model_starts_day (PlHistoryModel *self, guint position)
{
  g_autoptr (PlHistoryEntry) here = NULL;
  g_autoptr (PlHistoryEntry) before = NULL;

  g_return_val_if_fail (PL_IS_HISTORY_MODEL (self), FALSE);

  if (position >= self->n_items)
    return FALSE;
  if (position == 0)
    return TRUE;
  here = pl_history_model_get_item (G_LIST_MODEL (self), position);
  before = pl_history_model_get_item (G_LIST_MODEL (self), position - 1);
  return g_strcmp0 (pl_history_entry_get_day (here), pl_history_entry_get_day (before)) != 0;
}
