/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-call.h"

G_BEGIN_DECLS

#define PL_HISTORY_ERROR (pl_history_error_quark ())

typedef enum
{
  PL_HISTORY_ERROR_FAILED,
  PL_HISTORY_ERROR_DISABLED,  /* the store could not be opened; history is off */
  PL_HISTORY_ERROR_CORRUPT,   /* the file is not a database or is damaged */
  PL_HISTORY_ERROR_LOCKED,    /* another program holds the database */
  PL_HISTORY_ERROR_READ_ONLY, /* file or folder cannot be written */
  PL_HISTORY_ERROR_TOO_NEW,   /* written by a newer Parkline */
  PL_HISTORY_ERROR_DISK_FULL,
  PL_HISTORY_ERROR_IO,
} PlHistoryError;

typedef enum
{
  PL_HISTORY_FILTER_ALL,
  PL_HISTORY_FILTER_MISSED,   /* incoming calls nobody answered here */
  PL_HISTORY_FILTER_PARKED,   /* calls that were parked (by me or, if linked, by others) */
  PL_HISTORY_FILTER_RETURNED, /* calls that rang back from a park slot unanswered */
} PlHistoryFilter;

/* Stored as text ("parked", "retrieved", …): see pl_history_park_action_to_string(). */
typedef enum
{
  PL_HISTORY_PARK_ACTION_NONE,
  PL_HISTORY_PARK_ACTION_PARKED,
  PL_HISTORY_PARK_ACTION_RETRIEVED,
  PL_HISTORY_PARK_ACTION_RETURNED,
  PL_HISTORY_PARK_ACTION_ABANDONED,
  PL_HISTORY_PARK_ACTION_TAKEN_BY_OTHER,
  PL_HISTORY_PARK_ACTION_PAGED, /* the team was paged about the parked call */
} PlHistoryParkAction;

typedef enum
{
  PL_HISTORY_PARK_ACTOR_ME,
  PL_HISTORY_PARK_ACTOR_OTHER,
} PlHistoryParkActor;

/* A call to store. Times are g_get_real_time() microseconds, 0 = not
 * (yet) known. end == PL_CALL_END_NONE stores the call as "in-progress". */
typedef struct
{
  const char *account;
  PlCallDirection direction;
  const char *peer_uri;
  const char *peer_name;
  const char *call_id;
  gint64 started;
  gint64 answered;
  gint64 ended;
  PlCallEnd end;
  /* its part in a consult transfer, and the other leg's party */
  PlCallTransfer transfer;
  const char *transfer_party;
} PlHistoryCallInfo;

/* A park event to store. call_row is the calls row it belongs to (0 = none,
 * e.g. a park seen on a slot); in pl_history_insert_batch_sync() a negative
 * value -N names the N-th call (1-based) of the same batch. */
typedef struct
{
  gint64 call_row;
  const char *lot;
  const char *slot;
  PlHistoryParkAction action;
  PlHistoryParkActor actor;
  const char *caller_name;
  const char *caller_uri;
  /* The other person in the event, as shown to the user: who parked the
   * call, who took it, which page target was called. NULL: unknown. */
  const char *party;
  gint64 parked_at; /* when the caller was parked */
  gint64 at;        /* when this event happened; 0 = now */
} PlHistoryParkInfo;

/* A stored park event, as returned by pl_history_list_park_events_sync(). */
typedef struct
{
  gint64 id;
  gint64 call_row;
  char *lot;
  char *slot;
  PlHistoryParkAction action;
  PlHistoryParkActor actor;
  char *caller_name;
  char *caller_uri;
  char *party;
  gint64 parked_at;
  gint64 at;
} PlHistoryParkEvent;

#define PL_TYPE_HISTORY_PARK_EVENT (pl_history_park_event_get_type ())
GType pl_history_park_event_get_type (void) G_GNUC_CONST;
void pl_history_park_event_free (PlHistoryParkEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlHistoryParkEvent, pl_history_park_event_free)

/* The row of a call being recorded. Its id is 0 until the worker has inserted
 * it; later updates through the same record are applied in order. */
typedef struct _PlHistoryRecord PlHistoryRecord;

#define PL_TYPE_HISTORY_RECORD (pl_history_record_get_type ())
GType pl_history_record_get_type (void) G_GNUC_CONST;
PlHistoryRecord *pl_history_record_ref (PlHistoryRecord *record);
void pl_history_record_unref (PlHistoryRecord *record);
gint64 pl_history_record_get_id (PlHistoryRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlHistoryRecord, pl_history_record_unref)

#define PL_TYPE_HISTORY (pl_history_get_type ())
G_DECLARE_FINAL_TYPE (PlHistory, pl_history, PL, HISTORY, GObject)

/* Properties: "path" (construct-only), "disabled" (TRUE when the database
 * could not be opened or broke; calls go on without history), "problem"
 * (a message for the user when disabled, else NULL).
 * Signals: "changed" — rows were written (coalesced; emitted on the main
 * context the store was created in). */

GQuark pl_history_error_quark (void);
char *pl_history_default_path (void);
const char *pl_history_park_action_to_string (PlHistoryParkAction action);
PlHistoryParkAction pl_history_park_action_from_string (const char *text);

PlHistory *pl_history_new (const char *path);
const char *pl_history_get_path (PlHistory *self);
gboolean pl_history_get_disabled (PlHistory *self);
const char *pl_history_get_problem (PlHistory *self);
void pl_history_set_busy_timeout (PlHistory *self, guint timeout_ms);

void pl_history_open_async (PlHistory *self, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
gboolean pl_history_open_finish (PlHistory *self, GAsyncResult *result, GError **error);
gboolean pl_history_open_sync (PlHistory *self, GError **error);

/* Fire-and-forget recording from a live PlCall; failures are logged and
 * turn the store to disabled when the database is unusable. */
PlHistoryRecord *pl_history_call_started (PlHistory *self, PlCall *call);
void pl_history_call_updated (PlHistory *self, PlHistoryRecord *record, PlCall *call);
void pl_history_add_park_event (PlHistory *self, PlHistoryRecord *call_record,
                                const PlHistoryParkInfo *info);

/* Barrier: returns once every job queued before it has run. */
gboolean pl_history_flush_sync (PlHistory *self, GError **error);

gint64 pl_history_insert_call_sync (PlHistory *self, const PlHistoryCallInfo *info, GError **error);
gint64 pl_history_insert_park_event_sync (PlHistory *self, const PlHistoryParkInfo *info,
                                          GError **error);
gboolean pl_history_insert_batch_sync (PlHistory *self, const PlHistoryCallInfo *calls,
                                       guint n_calls, const PlHistoryParkInfo *parks, guint n_parks,
                                       GError **error);

/* Newest first. Returns PlHistoryEntry objects. */
void pl_history_query_async (PlHistory *self, PlHistoryFilter filter, const char *search,
                             guint offset, guint limit, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *pl_history_query_finish (PlHistory *self, GAsyncResult *result, GError **error);
GPtrArray *pl_history_query_sync (PlHistory *self, PlHistoryFilter filter, const char *search,
                                  guint offset, guint limit, GError **error);

void pl_history_count_async (PlHistory *self, PlHistoryFilter filter, const char *search,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
gint64 pl_history_count_finish (PlHistory *self, GAsyncResult *result, GError **error);
gint64 pl_history_count_sync (PlHistory *self, PlHistoryFilter filter, const char *search,
                              GError **error);

/* Park events of one call (call_row > 0), or the ones linked to no call
 * (call_row == 0), oldest first. Returns PlHistoryParkEvent. */
GPtrArray *pl_history_list_park_events_sync (PlHistory *self, gint64 call_row, GError **error);

/* Deletes every call and park event; returns the number of calls deleted.
 * When history is off because its file is damaged, the file is moved aside
 * (renamed "<path>.damaged-<date>") and a new, empty history started. */
void pl_history_clear_async (PlHistory *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gint64 pl_history_clear_finish (PlHistory *self, GAsyncResult *result, GError **error);
gint64 pl_history_clear_sync (PlHistory *self, GError **error);

/* Retention: deletes calls that started, and park events that happened, more
 * than days days ago. Returns the number of calls deleted. */
void pl_history_delete_older_than_async (PlHistory *self, guint days, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
gint64 pl_history_delete_older_than_finish (PlHistory *self, GAsyncResult *result, GError **error);
gint64 pl_history_delete_older_than_sync (PlHistory *self, guint days, GError **error);

/* RFC 4180 CSV of the calls matching filter and search, newest first.
 * Returns the number of rows written. */
void pl_history_export_csv_async (PlHistory *self, GFile *file, PlHistoryFilter filter,
                                  const char *search, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gint64 pl_history_export_csv_finish (PlHistory *self, GAsyncResult *result, GError **error);
gint64 pl_history_export_csv_sync (PlHistory *self, GFile *file, PlHistoryFilter filter,
                                   const char *search, GError **error);

G_END_DECLS
