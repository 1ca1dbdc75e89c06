/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-history"

#include "config.h"

#include "pl-history-recorder.h"

struct _PlHistoryRecorder
{
  GObject parent_instance;

  PlHistory *history;
  GListModel *calls;
  gulong items_changed_id;
  GHashTable *live; /* PlCall → Tracked, for calls not ended yet */
};

typedef struct
{
  PlHistoryRecorder *self;
  PlCall *call;
  PlHistoryRecord *record;
  gulong notify_id;
  gboolean answered;
} Tracked;

G_DEFINE_FINAL_TYPE (PlHistoryRecorder, pl_history_recorder, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_HISTORY,
  PROP_CALLS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The record also rides on the call itself, so a park event reported after
 * the call ended (parking ends the call) still finds its row. */
static GQuark
record_quark (void)
{
  return g_quark_from_static_string ("pl-history-recorder-record");
}

static void
tracked_free (Tracked *t)
{
  g_clear_signal_handler (&t->notify_id, t->call);
  g_clear_pointer (&t->record, pl_history_record_unref);
  g_clear_object (&t->call);
  g_free (t);
}

static void
tracked_check (Tracked *t)
{
  PlCallState state = pl_call_get_state (t->call);

  if (state == PL_CALL_STATE_ENDED)
    {
      pl_history_call_updated (t->self->history, t->record, t->call);
      /* Frees t. */
      g_hash_table_remove (t->self->live, t->call);
      return;
    }
  if ((state == PL_CALL_STATE_ACTIVE || state == PL_CALL_STATE_HELD) && !t->answered)
    {
      t->answered = TRUE;
      pl_history_call_updated (t->self->history, t->record, t->call);
    }
}

static void
on_call_state (PlCall *call, GParamSpec *pspec, Tracked *t)
{
  tracked_check (t);
}

static void
track (PlHistoryRecorder *self, PlCall *call)
{
  Tracked *t;

  /* Seen before (moved in the model, or ended already): nothing new. */
  if (g_hash_table_contains (self->live, call)
      || g_object_get_qdata (G_OBJECT (call), record_quark ()))
    return;

  t = g_new0 (Tracked, 1);
  t->self = self;
  t->call = g_object_ref (call);
  t->record = pl_history_call_started (self->history, call);
  g_object_set_qdata_full (G_OBJECT (call), record_quark (), pl_history_record_ref (t->record),
                           (GDestroyNotify)pl_history_record_unref);
  t->notify_id = g_signal_connect (call, "notify::state", G_CALLBACK (on_call_state), t);
  g_hash_table_insert (self->live, call, t);
  /* It may have been answered, or even ended, before it reached the model. */
  tracked_check (t);
}

static void
on_items_changed (GListModel *calls, guint position, guint removed, guint added,
                  PlHistoryRecorder *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (calls, i);
      if (PL_IS_CALL (call))
        track (self, call);
    }
}

static void
pl_history_recorder_dispose (GObject *object)
{
  PlHistoryRecorder *self = PL_HISTORY_RECORDER (object);

  g_clear_signal_handler (&self->items_changed_id, self->calls);
  /* Calls still live stay "in-progress"; the next open marks them
   * engine-stopped if nobody finishes them. */
  if (self->live)
    g_hash_table_remove_all (self->live);
  g_clear_object (&self->calls);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (pl_history_recorder_parent_class)->dispose (object);
}

static void
pl_history_recorder_finalize (GObject *object)
{
  PlHistoryRecorder *self = PL_HISTORY_RECORDER (object);

  g_clear_pointer (&self->live, g_hash_table_unref);

  G_OBJECT_CLASS (pl_history_recorder_parent_class)->finalize (object);
}

static void
pl_history_recorder_constructed (GObject *object)
{
  PlHistoryRecorder *self = PL_HISTORY_RECORDER (object);

  G_OBJECT_CLASS (pl_history_recorder_parent_class)->constructed (object);

  g_return_if_fail (PL_IS_HISTORY (self->history));
  g_return_if_fail (G_IS_LIST_MODEL (self->calls));

  self->items_changed_id
      = g_signal_connect (self->calls, "items-changed", G_CALLBACK (on_items_changed), self);
  on_items_changed (self->calls, 0, 0, g_list_model_get_n_items (self->calls), self);
}

static void
pl_history_recorder_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlHistoryRecorder *self = PL_HISTORY_RECORDER (object);

  switch (prop_id)
    {
      case PROP_HISTORY:
        g_value_set_object (value, self->history);
        break;
      case PROP_CALLS:
        g_value_set_object (value, self->calls);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_history_recorder_set_property (GObject *object, guint prop_id, const GValue *value,
                                  GParamSpec *pspec)
{
  PlHistoryRecorder *self = PL_HISTORY_RECORDER (object);

  switch (prop_id)
    {
      case PROP_HISTORY:
        self->history = g_value_dup_object (value);
        break;
      case PROP_CALLS:
        self->calls = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_history_recorder_class_init (PlHistoryRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = pl_history_recorder_dispose;
  object_class->finalize = pl_history_recorder_finalize;
  object_class->constructed = pl_history_recorder_constructed;
  object_class->get_property = pl_history_recorder_get_property;
  object_class->set_property = pl_history_recorder_set_property;

  properties[PROP_HISTORY] = g_param_spec_object ("history", NULL, NULL, PL_TYPE_HISTORY, flags);
  properties[PROP_CALLS] = g_param_spec_object ("calls", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pl_history_recorder_init (PlHistoryRecorder *self)
{
  self->live
      = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)tracked_free);
}

PlHistoryRecorder *
pl_history_recorder_new (PlHistory *history, GListModel *calls)
{
  g_return_val_if_fail (PL_IS_HISTORY (history), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (calls), NULL);

  return g_object_new (PL_TYPE_HISTORY_RECORDER, "history", history, "calls", calls, NULL);
}

PlHistory *
pl_history_recorder_get_history (PlHistoryRecorder *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_RECORDER (self), NULL);
  return self->history;
}

PlHistoryRecord *
pl_history_recorder_lookup (PlHistoryRecorder *self, PlCall *call)
{
  g_return_val_if_fail (PL_IS_HISTORY_RECORDER (self), NULL);
  g_return_val_if_fail (PL_IS_CALL (call), NULL);
  return g_object_get_qdata (G_OBJECT (call), record_quark ());
}

void
pl_history_recorder_park_event (PlHistoryRecorder *self, PlCall *call,
                                const PlHistoryParkInfo *info)
{
  PlHistoryRecord *record = NULL;
  PlHistoryParkInfo copy;

  g_return_if_fail (PL_IS_HISTORY_RECORDER (self));
  g_return_if_fail (call == NULL || PL_IS_CALL (call));
  g_return_if_fail (info != NULL);

  copy = *info;
  copy.call_row = 0;
  if (call)
    {
      record = pl_history_recorder_lookup (self, call);
      /* A call the recorder never saw gets its row now, so the event is
       * not left without its call. */
      if (record == NULL)
        {
          track (self, call);
          record = pl_history_recorder_lookup (self, call);
        }
    }
  pl_history_add_park_event (self->history, record, &copy);
}
