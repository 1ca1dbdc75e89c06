/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-history"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "pl-history.h"
#include "pl-history-entry.h"
#include "pl-history-private.h"
#include "pl-history-text.h"
#include "pl-sip-uri.h"
#include "pl-quark.h"
#include "pl-thread.h"
#include "pl-util.h"

/* Threading. A SQLite connection is best used from one thread, and our
 * writes must stay in the order the calls happened (insert before answer
 * before end). g_task_run_in_thread() runs on GLib's shared pool with no
 * ordering and no thread affinity, so instead one dedicated GThread owns the
 * connection and pops jobs from a GAsyncQueue in FIFO order. The public
 * _async() functions still use a GTask created in the caller's thread: the
 * worker returns into it and GTask delivers the callback on the caller's
 * thread-default main context. _sync() variants block on a GCond (the lazy
 * list model needs a page right now), and fire-and-forget jobs record calls.
 *
 * Durability. WAL with synchronous=NORMAL already keeps committed rows when
 * the app is killed (the WAL sits in the page cache); only power loss can
 * drop the last transactions. We write a few rows per call, so the fsync per
 * commit of synchronous=FULL costs nothing noticeable and also covers power
 * loss: "never lost" holds for both. Batched imports amortise it. */

#define SCHEMA_VERSION          4
#define DEFAULT_BUSY_TIMEOUT_MS 5000

/* ---- records ------------------------------------------------------------ */

struct _PlHistoryRecord
{
  gatomicrefcount ref_count;
  gint64 id; /* set by the worker thread; guarded by record_id */
};

G_DEFINE_BOXED_TYPE (PlHistoryRecord, pl_history_record, pl_history_record_ref,
                     pl_history_record_unref)

static PlHistoryRecord *
pl_history_record_new (void)
{
  PlHistoryRecord *record = g_new0 (PlHistoryRecord, 1);
  g_atomic_ref_count_init (&record->ref_count);
  return record;
}

PlHistoryRecord *
pl_history_record_ref (PlHistoryRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);
  g_atomic_ref_count_inc (&record->ref_count);
  return record;
}

void
pl_history_record_unref (PlHistoryRecord *record)
{
  g_return_if_fail (record != NULL);
  if (g_atomic_ref_count_dec (&record->ref_count))
    g_free (record);
}

/* Ids are written by the worker and read anywhere; a 64-bit value cannot be
 * read atomically everywhere, so a lock guards it. */
G_LOCK_DEFINE_STATIC (record_id);

gint64
pl_history_record_get_id (PlHistoryRecord *record)
{
  gint64 id;

  g_return_val_if_fail (record != NULL, 0);
  G_LOCK (record_id);
  id = record->id;
  G_UNLOCK (record_id);
  return id;
}

static void
record_set_id (PlHistoryRecord *record, gint64 id)
{
  G_LOCK (record_id);
  record->id = id;
  G_UNLOCK (record_id);
}

/* ---- park events -------------------------------------------------------- */

static PlHistoryParkEvent *
pl_history_park_event_copy (PlHistoryParkEvent *event)
{
  PlHistoryParkEvent *copy = g_memdup2 (event, sizeof *event);

  copy->lot = g_strdup (event->lot);
  copy->slot = g_strdup (event->slot);
  copy->caller_name = g_strdup (event->caller_name);
  copy->caller_uri = g_strdup (event->caller_uri);
  copy->party = g_strdup (event->party);
  return copy;
}

void
pl_history_park_event_free (PlHistoryParkEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->lot);
  g_free (event->slot);
  g_free (event->caller_name);
  g_free (event->caller_uri);
  g_free (event->party);
  g_free (event);
}

G_DEFINE_BOXED_TYPE (PlHistoryParkEvent, pl_history_park_event, pl_history_park_event_copy,
                     pl_history_park_event_free)

static const char *const park_action_names[] = {
  [PL_HISTORY_PARK_ACTION_NONE] = "none",
  [PL_HISTORY_PARK_ACTION_PARKED] = "parked",
  [PL_HISTORY_PARK_ACTION_RETRIEVED] = "retrieved",
  [PL_HISTORY_PARK_ACTION_RETURNED] = "returned",
  [PL_HISTORY_PARK_ACTION_ABANDONED] = "abandoned",
  [PL_HISTORY_PARK_ACTION_TAKEN_BY_OTHER] = "taken-by-other",
  [PL_HISTORY_PARK_ACTION_PAGED] = "paged",
};

const char *
pl_history_park_action_to_string (PlHistoryParkAction action)
{
  g_return_val_if_fail ((guint)action < G_N_ELEMENTS (park_action_names), NULL);
  return park_action_names[action];
}

PlHistoryParkAction
pl_history_park_action_from_string (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (park_action_names); i++)
    if (g_strcmp0 (text, park_action_names[i]) == 0)
      return (PlHistoryParkAction)i;
  return PL_HISTORY_PARK_ACTION_NONE;
}

/* ---- schema ------------------------------------------------------------- */

/* migrations[v] upgrades a database of user_version v to v + 1. Never edit a
 * released step: add a new one. */
static const char *const migrations[] = {
  /* v0 → v1: the first release. */
  "CREATE TABLE calls ("
  "  id INTEGER PRIMARY KEY,"
  "  account TEXT,"
  "  direction TEXT NOT NULL,"
  "  peer_uri TEXT,"
  "  peer_name TEXT,"
  "  call_id TEXT,"
  "  started INTEGER NOT NULL,"
  "  answered INTEGER,"
  "  ended INTEGER,"
  "  duration INTEGER,"
  "  outcome TEXT NOT NULL);"
  "CREATE INDEX calls_by_started ON calls (started);"
  "CREATE TABLE park_events ("
  "  id INTEGER PRIMARY KEY,"
  "  call_ref INTEGER REFERENCES calls (id) ON DELETE SET NULL,"
  "  lot TEXT,"
  "  slot TEXT,"
  "  action TEXT NOT NULL,"
  "  at INTEGER NOT NULL);",

  /* v1 → v2: who parked whom, substring search, and per-call park summary
   * kept by a trigger so the parked/returned filters are index lookups. */
  "ALTER TABLE calls ADD COLUMN peer_number TEXT;"
  "ALTER TABLE calls ADD COLUMN park_flags INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE calls ADD COLUMN park_lot TEXT;"
  "ALTER TABLE calls ADD COLUMN park_slot TEXT;"
  "ALTER TABLE calls ADD COLUMN park_action TEXT;"
  "ALTER TABLE park_events ADD COLUMN actor TEXT NOT NULL DEFAULT 'me';"
  "ALTER TABLE park_events ADD COLUMN caller_name TEXT;"
  "ALTER TABLE park_events ADD COLUMN caller_uri TEXT;"
  "ALTER TABLE park_events ADD COLUMN parked_at INTEGER;"
  "UPDATE calls SET peer_number = pl_uri_user (peer_uri);"
  "UPDATE calls SET park_flags ="
  "  (CASE WHEN outcome = 'parked' OR EXISTS (SELECT 1 FROM park_events p"
  "     WHERE p.call_ref = calls.id AND p.action = 'parked') THEN 1 ELSE 0 END)"
  "  | (CASE WHEN EXISTS (SELECT 1 FROM park_events p"
  "     WHERE p.call_ref = calls.id AND p.action = 'returned') THEN 2 ELSE 0 END);"
  "UPDATE calls SET (park_lot, park_slot, park_action) ="
  "  (SELECT lot, slot, action FROM park_events p WHERE p.call_ref = calls.id"
  "   ORDER BY at DESC, id DESC LIMIT 1)"
  "  WHERE id IN (SELECT call_ref FROM park_events);"
  "CREATE INDEX calls_by_outcome ON calls (outcome, started);"
  "CREATE INDEX calls_parked ON calls (started) WHERE (park_flags & 1) != 0;"
  "CREATE INDEX calls_returned ON calls (started) WHERE (park_flags & 2) != 0;"
  "CREATE INDEX park_events_by_call ON park_events (call_ref);"
  "CREATE INDEX park_events_by_at ON park_events (at);"
  "CREATE VIRTUAL TABLE calls_fts USING fts5 (peer_name, peer_number,"
  "  content = 'calls', content_rowid = 'id', tokenize = 'trigram');"
  "INSERT INTO calls_fts (calls_fts) VALUES ('rebuild');"
  "CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls BEGIN"
  "  INSERT INTO calls_fts (rowid, peer_name, peer_number)"
  "    VALUES (new.id, new.peer_name, new.peer_number);"
  "END;"
  "CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls BEGIN"
  "  INSERT INTO calls_fts (calls_fts, rowid, peer_name, peer_number)"
  "    VALUES ('delete', old.id, old.peer_name, old.peer_number);"
  "END;"
  "CREATE TRIGGER calls_fts_update AFTER UPDATE OF peer_name, peer_number ON calls"
  "  WHEN old.peer_name IS NOT new.peer_name OR old.peer_number IS NOT new.peer_number BEGIN"
  "  INSERT INTO calls_fts (calls_fts, rowid, peer_name, peer_number)"
  "    VALUES ('delete', old.id, old.peer_name, old.peer_number);"
  "  INSERT INTO calls_fts (rowid, peer_name, peer_number)"
  "    VALUES (new.id, new.peer_name, new.peer_number);"
  "END;"
  "CREATE TRIGGER park_events_mark_call AFTER INSERT ON park_events"
  "  WHEN new.call_ref IS NOT NULL BEGIN"
  "  UPDATE calls SET park_flags = park_flags | (CASE new.action WHEN 'parked' THEN 1"
  "      WHEN 'returned' THEN 2 ELSE 0 END),"
  "    park_lot = new.lot, park_slot = new.slot, park_action = new.action"
  "    WHERE id = new.call_ref;"
  "END;",

  /* v2 → v3: the other person in a park event (who parked, who took the
   * call, who was paged), known from a server feed or our own actions. */
  "ALTER TABLE park_events ADD COLUMN party TEXT;",

  /* v3 → v4: a call's part in a consult transfer (joined, blind,
   * consultation) and the party of its other leg, so both legs of one
   * transfer tell about each other. */
  "ALTER TABLE calls ADD COLUMN transfer TEXT;"
  "ALTER TABLE calls ADD COLUMN transfer_party TEXT;",
};
/* A step missing here would leave a hole that silently migrates nothing. */
G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SCHEMA_VERSION);

/* ---- worker ------------------------------------------------------------- */

typedef struct _Worker Worker;
typedef struct _Job Job;
typedef gboolean (*JobFunc) (Worker *worker, Job *job, GError **error);

struct _Job
{
  JobFunc func;
  gpointer data;
  GDestroyNotify data_free;
  gboolean writes;
  gboolean quit;
  gboolean runs_disabled; /* may run without an open database */

  gint64 number;
  gpointer pointer;
  GDestroyNotify pointer_free;

  /* Delivery: a GTask, a caller blocked in a _sync() call, or nobody. */
  GTask *task;
  gboolean sync;
  gboolean done;
  GError *error;
};

struct _Worker
{
  gatomicrefcount ref_count;
  GAsyncQueue *queue;
  GMutex mutex;
  GCond cond;
  GMainContext *context;
  GWeakRef owner;
  char *path;
  int busy_timeout_ms;
  int changed_pending;

  /* Worker thread only. */
  GCancellable *running; /* of the job being run, for the progress handler */
  sqlite3 *db;
  GHashTable *stmts;
  char *problem;
  gboolean damaged; /* disabled because the file is not a sound database */
  /* Recordings the full disk refused, oldest first, with everything recorded
   * after them (order matters: a call's updates follow its insert). */
  GQueue backlog;
};

struct _PlHistory
{
  GObject parent_instance;

  char *path;
  Worker *worker;
  GThread *thread;
  gboolean disabled;
  char *problem;
};

G_DEFINE_FINAL_TYPE (PlHistory, pl_history, G_TYPE_OBJECT)

PL_DEFINE_QUARK ("pl-history-error-quark", pl_history_error)

enum
{
  PROP_0,
  PROP_PATH,
  PROP_DISABLED,
  PROP_PROBLEM,
  N_PROPS
};

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
job_free (Job *job)
{
  if (job->data_free)
    g_clear_pointer (&job->data, job->data_free);
  if (job->pointer_free)
    g_clear_pointer (&job->pointer, job->pointer_free);
  g_clear_error (&job->error);
  g_clear_object (&job->task);
  g_free (job);
}

static Job *
job_new (JobFunc func, gpointer data, GDestroyNotify data_free, gboolean writes)
{
  Job *job = g_new0 (Job, 1);

  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->writes = writes;
  return job;
}

static Worker *
worker_ref (Worker *w)
{
  g_atomic_ref_count_inc (&w->ref_count);
  return w;
}

static void
worker_unref (Worker *w)
{
  if (!g_atomic_ref_count_dec (&w->ref_count))
    return;
  g_assert (w->db == NULL);
  g_async_queue_unref (w->queue);
  g_mutex_clear (&w->mutex);
  g_cond_clear (&w->cond);
  g_main_context_unref (w->context);
  g_weak_ref_clear (&w->owner);
  g_free (w->path);
  g_free (w->problem);
  g_free (w);
}

static gboolean
set_sqlite_error (Worker *w, int rc, GError **error)
{
  /* The connection's message is more precise, when it is about this error. */
  const char *detail = w->db && sqlite3_errcode (w->db) != SQLITE_OK ? sqlite3_errmsg (w->db)
                                                                     : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        g_set_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_CORRUPT,
                     _ ("The call history file “%s” is damaged (%s). Calls still work but are "
                        "not recorded. Clear the history to start a new file."),
                     w->path, detail);
        break;
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        g_set_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_LOCKED,
                     _ ("The call history file “%s” is locked by another program (%s). Close "
                        "other copies of Parkline and try again."),
                     w->path, detail);
        break;
      case SQLITE_READONLY:
      case SQLITE_PERM:
      case SQLITE_CANTOPEN:
      case SQLITE_AUTH:
        g_set_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_READ_ONLY,
                     _ ("The call history file “%s” cannot be written (%s). Check the permissions "
                        "of the file and of its folder."),
                     w->path, detail);
        break;
      case SQLITE_INTERRUPT:
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _ ("Operation was cancelled"));
        break;
      case SQLITE_FULL:
        g_set_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_DISK_FULL,
                     _ ("The disk holding the call history “%s” is full."), w->path);
        break;
      case SQLITE_IOERR:
        g_set_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_IO,
                     _ ("The call history file “%s” could not be read or written (%s)."), w->path,
                     detail);
        break;
      default:
        g_set_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_FAILED,
                     _ ("The call history failed: %s"), detail);
        break;
    }
  return FALSE;
}

static void
stmt_finalize (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static gboolean
worker_exec (Worker *w, const char *sql, GError **error)
{
  int rc = sqlite3_exec (w->db, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK ? TRUE : set_sqlite_error (w, rc, error);
}

/* A cached statement, reset and unbound. The set of SQL texts is small and
 * fixed (filters × search modes), so the cache stays bounded. */
static sqlite3_stmt *
worker_prepare (Worker *w, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (w->stmts, sql);
  int rc;

  if (stmt)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  rc = sqlite3_prepare_v3 (w->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (w, rc, error);
      return NULL;
    }
  g_hash_table_insert (w->stmts, g_strdup (sql), stmt);
  return stmt;
}

/* Runs a statement that returns no rows, then resets it so it holds no lock. */
static gboolean
stmt_done (Worker *w, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? TRUE : set_sqlite_error (w, rc, error);
}

static void
bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text && *text)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_time (sqlite3_stmt *stmt, int index, gint64 value)
{
  if (value > 0)
    sqlite3_bind_int64 (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

static void
worker_close (Worker *w)
{
  g_clear_pointer (&w->stmts, g_hash_table_unref);
  if (w->db)
    {
      /* Fold the WAL back so the file is self-contained at rest. */
      sqlite3_exec (w->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
      sqlite3_close_v2 (w->db);
      w->db = NULL;
    }
}

/* The v2 migration derives numbers from stored URIs with the same code as new
 * rows use, so searches behave the same on old and new rows. */
static void
sql_uri_user (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  const char *uri = (const char *)sqlite3_value_text (argv[0]);
  char *user = uri ? pl_sip_uri_dup_display_user (uri) : NULL;

  if (user)
    sqlite3_result_text (ctx, user, -1, g_free);
  else
    sqlite3_result_null (ctx);
}

/* Search-as-you-type cancels the count for the previous text; a COUNT with a
 * LIKE over a million rows takes a while, so stop it mid-statement. */
static int
progress_cb (gpointer data)
{
  Worker *w = data;
  return w->running && g_cancellable_is_cancelled (w->running);
}

static gint64
query_int (Worker *w, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = worker_prepare (w, sql, error);
  gint64 value;
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      set_sqlite_error (w, rc, error);
      return -1;
    }
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

static gboolean
worker_migrate (Worker *w, GError **error)
{
  gint64 version = query_int (w, "PRAGMA user_version", error);
  g_autofree char *set_version = NULL;

  if (version < 0)
    return FALSE;
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_TOO_NEW,
                   _ ("The call history file “%s” was written by a newer version of Parkline. "
                      "Update Parkline to see and record history."),
                   w->path);
      return FALSE;
    }
  for (gint64 v = version; v < SCHEMA_VERSION; v++)
    {
      g_debug ("Migrating history schema %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT, v, v + 1);
      if (!worker_exec (w, migrations[v], error))
        return FALSE;
    }
  if (version == SCHEMA_VERSION)
    return TRUE;
  set_version = g_strdup_printf ("PRAGMA user_version = %d", SCHEMA_VERSION);
  return worker_exec (w, set_version, error);
}

static gboolean
worker_open (Worker *w, GError **error)
{
  int fd;
  g_autofree char *dir = g_path_get_dirname (w->path);
  g_autofree char *journal = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_READ_ONLY,
                   _ ("The folder “%s” for the call history cannot be created: %s"), dir,
                   g_strerror (saved_errno));
      return FALSE;
    }

  /* Who called whom is personal: create the file 0600 ourselves (SQLite
   * would follow the umask), and its -wal/-shm files copy that mode. An
   * empty file is a valid new database. */
  fd = g_open (w->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0)
    close (fd);

  rc = sqlite3_open_v2 (w->path, &w->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (w, rc, error);
  w->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, stmt_finalize);
  sqlite3_extended_result_codes (w->db, 1);
  sqlite3_busy_timeout (w->db, g_atomic_int_get (&w->busy_timeout_ms));
  sqlite3_progress_handler (w->db, 10000, progress_cb, w);
  if (sqlite3_db_readonly (w->db, "main") == 1)
    return set_sqlite_error (w, SQLITE_READONLY, error);
  sqlite3_create_function (w->db, "pl_uri_user", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                           sql_uri_user, NULL, NULL);

  /* The first statement that reads the file: a non-database fails here. */
  stmt = worker_prepare (w, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    journal = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return set_sqlite_error (w, rc, error);
  if (g_strcmp0 (journal, "wal") != 0)
    return set_sqlite_error (w, SQLITE_CANTOPEN, error);

  if (!worker_exec (w, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON", error))
    return FALSE;

  /* Take the write lock up front: a database held by someone else is
   * reported now, not at the first call. */
  if (!worker_exec (w, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!worker_migrate (w, error)
      /* Calls still "in progress" belong to a run that died: close them. */
      || !worker_exec (w,
                       "UPDATE calls SET outcome = 'engine-stopped'"
                       " WHERE outcome = '" PL_HISTORY_OUTCOME_IN_PROGRESS "'",
                       error)
      || !worker_exec (w, "COMMIT", error))
    {
      sqlite3_exec (w->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  Worker *worker;
  gboolean disabled;
  char *problem;
} StateUpdate;

static gboolean
state_update_cb (gpointer data)
{
  StateUpdate *update = data;
  g_autoptr (PlHistory) self = g_weak_ref_get (&update->worker->owner);

  if (self)
    {
      gboolean changed = self->disabled != update->disabled;

      self->disabled = update->disabled;
      if (pl_set_str (&self->problem, update->problem))
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
      if (changed)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISABLED]);
    }
  worker_unref (update->worker);
  g_free (update->problem);
  g_free (update);
  return G_SOURCE_REMOVE;
}

static void
worker_post_state (Worker *w, gboolean disabled, const char *problem)
{
  StateUpdate *update = g_new0 (StateUpdate, 1);

  update->worker = worker_ref (w);
  update->disabled = disabled;
  update->problem = g_strdup (problem);
  /* All three kinds of news share one priority, so they arrive in order. */
  g_main_context_invoke_full (w->context, pl_thread_delivery_priority (), state_update_cb, update,
                              NULL);
}

static void
worker_disable (Worker *w, const GError *reason)
{
  g_message ("History disabled: %s", reason->message);
  worker_close (w);
  pl_set_str (&w->problem, reason->message);
  w->damaged = g_error_matches (reason, PL_HISTORY_ERROR, PL_HISTORY_ERROR_CORRUPT);
  worker_post_state (w, TRUE, reason->message);
}

static gboolean
changed_cb (gpointer data)
{
  Worker *w = data;
  g_autoptr (PlHistory) self = NULL;

  g_atomic_int_set (&w->changed_pending, 0);
  self = g_weak_ref_get (&w->owner);
  if (self)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
worker_post_changed (Worker *w)
{
  if (g_atomic_int_compare_and_exchange (&w->changed_pending, 0, 1))
    g_main_context_invoke_full (w->context, pl_thread_delivery_priority (), changed_cb,
                                worker_ref (w), (GDestroyNotify)worker_unref);
}

/* Calls recorded while the disk is full wait in memory, up to this many
 * jobs (a call is two to four), and are written once there is room. */
#define BACKLOG_MAX        20000
#define BACKLOG_RETRY_USEC (2 * G_USEC_PER_SEC)

/* Fire-and-forget writes from live calls: nobody waits for their result. */
static gboolean
job_is_recording (const Job *job)
{
  return job->task == NULL && !job->sync && job->writes;
}

static void
worker_keep_for_later (Worker *w, Job *job, const GError *reason)
{
  if (g_queue_is_empty (&w->backlog))
    {
      g_autofree char *problem = g_strdup_printf (
          _ ("%s Calls are kept and recorded once there is room again."), reason->message);

      g_message ("History waits for disk space: %s", reason->message);
      worker_post_state (w, FALSE, problem);
    }
  g_queue_push_tail (&w->backlog, job);
  if (w->backlog.length > BACKLOG_MAX)
    {
      g_message ("History backlog full: the oldest waiting record is dropped");
      job_free (g_queue_pop_head (&w->backlog));
    }
}

/* Writes what waited for disk space, in order, until the disk refuses again. */
static void
worker_retry_backlog (Worker *w)
{
  Job *job;

  if (g_queue_is_empty (&w->backlog))
    return;
  while ((job = g_queue_peek_head (&w->backlog)) != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (w->db != NULL && !job->func (w, job, &error)
          && g_error_matches (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_DISK_FULL))
        return;
      g_queue_pop_head (&w->backlog);
      if (w->db == NULL)
        g_debug ("Not recorded: history is off");
      else if (error)
        g_message ("Could not record history: %s", error->message);
      else
        worker_post_changed (w);
      job_free (job);
    }
  g_message ("History has disk space again");
  worker_post_state (w, w->db == NULL, w->problem);
}

/* Failures that mean the file itself is unusable turn history off. */
static gboolean
error_disables (const GError *error)
{
  return error->domain == PL_HISTORY_ERROR
         && (error->code == PL_HISTORY_ERROR_CORRUPT || error->code == PL_HISTORY_ERROR_READ_ONLY
             || error->code == PL_HISTORY_ERROR_IO);
}

/* Runs on the caller's main context: every GTask reference is dropped there,
 * so the store (the task's source object) is never finalized on the worker. */
static gboolean
deliver_cb (gpointer data)
{
  Job *job = data;

  if (job->error)
    g_task_return_error (job->task, g_steal_pointer (&job->error));
  else if (job->pointer_free)
    g_task_return_pointer (job->task, g_steal_pointer (&job->pointer), job->pointer_free);
  else
    g_task_return_int (job->task, (gssize)job->number);
  job_free (job);
  return G_SOURCE_REMOVE;
}

static void
worker_run (Worker *w, Job *job)
{
  GError *error = NULL;
  gboolean ok;

  /* Recordings queue up behind those waiting for disk space. */
  if (job_is_recording (job) && !g_queue_is_empty (&w->backlog))
    {
      worker_retry_backlog (w);
      if (!g_queue_is_empty (&w->backlog))
        {
          g_queue_push_tail (&w->backlog, job);
          return;
        }
    }

  if (job->task
      && g_cancellable_set_error_if_cancelled (g_task_get_cancellable (job->task), &error))
    ok = FALSE;
  else if (w->db == NULL && !job->runs_disabled)
    {
      if (w->problem)
        g_set_error (&error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_DISABLED,
                     _ ("Call history is off: %s"), w->problem);
      else
        g_set_error_literal (&error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_DISABLED,
                             _ ("Call history is not open."));
      ok = FALSE;
    }
  else
    {
      w->running = job->task && !job->runs_disabled ? g_task_get_cancellable (job->task) : NULL;
      ok = job->func (w, job, &error);
      w->running = NULL;
      if (!ok && w->db && error_disables (error))
        worker_disable (w, error);
      if (ok && job->writes)
        worker_post_changed (w);
      if (!ok && job_is_recording (job)
          && g_error_matches (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_DISK_FULL))
        {
          worker_keep_for_later (w, job, error);
          g_error_free (error);
          return;
        }
    }

  if (job->task)
    {
      job->error = error;
      g_main_context_invoke_full (g_task_get_context (job->task), pl_thread_delivery_priority (),
                                  deliver_cb, job, NULL);
    }
  else if (job->sync)
    {
      g_mutex_lock (&w->mutex);
      job->error = error;
      job->done = TRUE;
      g_cond_broadcast (&w->cond);
      g_mutex_unlock (&w->mutex);
    }
  else
    {
      if (error && g_error_matches (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_DISABLED))
        g_debug ("Not recorded: %s", error->message);
      else if (error)
        g_message ("Could not record history: %s", error->message);
      g_clear_error (&error);
      job_free (job);
    }
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;

  pl_thread_started ();
  for (;;)
    {
      Job *job;
      gboolean quit;

      /* With recordings waiting for disk space, look again now and then. */
      if (g_queue_is_empty (&w->backlog))
        job = g_async_queue_pop (w->queue);
      else if ((job = g_async_queue_timeout_pop (w->queue, BACKLOG_RETRY_USEC)) == NULL)
        {
          worker_retry_backlog (w);
          continue;
        }
      quit = job->quit;
      if (quit)
        {
          job_free (job);
          break;
        }
      worker_run (w, job);
    }
  worker_retry_backlog (w);
  if (!g_queue_is_empty (&w->backlog))
    g_message ("History: %u records lost, the disk is still full", w->backlog.length);
  g_queue_clear_full (&w->backlog, (GDestroyNotify)job_free);
  worker_close (w);
  worker_unref (w);
  return NULL;
}

/* ---- submitting jobs ---------------------------------------------------- */

static void
submit_async (PlHistory *self, Job *job, GCancellable *cancellable, GAsyncReadyCallback callback,
              gpointer user_data, gpointer source_tag)
{
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  g_async_queue_push (self->worker->queue, job);
}

/* Runs job on the worker and waits; the job is returned for its results. */
static Job *
run_sync (PlHistory *self, Job *job, GError **error)
{
  Worker *w = self->worker;

  job->sync = TRUE;
  g_async_queue_push (w->queue, job);
  g_mutex_lock (&w->mutex);
  while (!job->done)
    g_cond_wait (&w->cond, &w->mutex);
  g_mutex_unlock (&w->mutex);
  if (job->error)
    {
      g_propagate_error (error, g_steal_pointer (&job->error));
      job_free (job);
      return NULL;
    }
  return job;
}

static gint64
run_sync_number (PlHistory *self, Job *job, GError **error)
{
  gint64 number;

  job = run_sync (self, job, error);
  if (job == NULL)
    return -1;
  number = job->number;
  job_free (job);
  return number;
}

static gpointer
run_sync_pointer (PlHistory *self, Job *job, GError **error)
{
  gpointer pointer;

  job = run_sync (self, job, error);
  if (job == NULL)
    return NULL;
  pointer = g_steal_pointer (&job->pointer);
  job_free (job);
  return pointer;
}

static gint64
finish_number (PlHistory *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, -1);
  return g_task_propagate_int (G_TASK (result), error);
}

/* ---- jobs --------------------------------------------------------------- */

static gboolean
job_open (Worker *w, Job *job, GError **error)
{
  gboolean was_disabled = w->problem != NULL;
  GError *local_error = NULL;

  if (w->db)
    return TRUE;
  if (!worker_open (w, &local_error))
    {
      worker_disable (w, local_error);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_clear_pointer (&w->problem, g_free);
  w->damaged = FALSE;
  if (was_disabled)
    worker_post_state (w, FALSE, NULL);
  return TRUE;
}

static gboolean
job_nothing (Worker *w, Job *job, GError **error)
{
  return TRUE;
}

typedef struct
{
  PlHistoryRecord *record;
  char *account;
  PlCallDirection direction;
  char *peer_uri;
  char *peer_name;
  char *call_id;
  gint64 started;
  gint64 answered;
  gint64 ended;
  PlCallEnd end;
  PlCallTransfer transfer;
  char *transfer_party;
} CallRow;

static void
call_row_free (CallRow *row)
{
  g_clear_pointer (&row->record, pl_history_record_unref);
  g_free (row->account);
  g_free (row->peer_uri);
  g_free (row->peer_name);
  g_free (row->call_id);
  g_free (row->transfer_party);
  g_free (row);
}

static CallRow *
call_row_from_info (const PlHistoryCallInfo *info)
{
  CallRow *row = g_new0 (CallRow, 1);

  row->account = g_strdup (info->account);
  row->direction = info->direction;
  row->peer_uri = g_strdup (info->peer_uri);
  row->peer_name = g_strdup (info->peer_name);
  row->call_id = g_strdup (info->call_id);
  row->started = info->started ? info->started : g_get_real_time ();
  row->answered = info->answered;
  row->ended = info->ended;
  row->end = info->end;
  row->transfer = info->transfer;
  row->transfer_party = g_strdup (info->transfer_party);
  return row;
}

static CallRow *
call_row_from_call (PlCall *call)
{
  PlHistoryCallInfo info = {
    .account = pl_call_get_account_aor (call),
    .direction = pl_call_get_direction (call),
    .peer_uri = pl_call_get_peer_uri (call),
    .peer_name = pl_call_get_peer_name (call),
    .call_id = pl_call_get_id (call),
    .started = pl_call_get_started (call),
    .answered = pl_call_get_answered (call),
    .ended = pl_call_get_ended (call),
    .end
    = pl_call_get_state (call) == PL_CALL_STATE_ENDED ? pl_call_get_end (call) : PL_CALL_END_NONE,
    .transfer = pl_call_get_transfer (call),
    .transfer_party = pl_call_get_transfer_party (call),
  };

  /* A call that ended without a cause still ended: never leave it "in progress". */
  if (pl_call_get_state (call) == PL_CALL_STATE_ENDED && info.end == PL_CALL_END_NONE)
    info.end = PL_CALL_END_FAILED;
  return call_row_from_info (&info);
}

static const char *
row_outcome (const CallRow *row)
{
  return row->end == PL_CALL_END_NONE ? PL_HISTORY_OUTCOME_IN_PROGRESS
                                      : pl_call_end_to_string (row->end);
}

static void
bind_row_common (sqlite3_stmt *stmt, const CallRow *row)
{
  g_autofree char *number = row->peer_uri ? pl_sip_uri_dup_display_user (row->peer_uri) : NULL;

  bind_text (stmt, 1, row->account);
  bind_text (stmt, 2, row->peer_uri);
  bind_text (stmt, 3, row->peer_name);
  bind_text (stmt, 4, number);
  bind_text (stmt, 5, row->call_id);
  bind_time (stmt, 6, row->answered);
  bind_time (stmt, 7, row->ended);
  if (row->answered > 0 && row->ended >= row->answered)
    sqlite3_bind_int64 (stmt, 8, row->ended - row->answered);
  else
    sqlite3_bind_int64 (stmt, 8, 0);
  bind_text (stmt, 9, row_outcome (row));
  sqlite3_bind_int (stmt, 10, row->end == PL_CALL_END_PARKED ? PL_HISTORY_PARK_FLAG_PARKED : 0);
  bind_text (stmt, 12, pl_call_transfer_to_string (row->transfer));
  bind_text (stmt, 13, row->transfer_party);
}

static gint64
worker_insert_call (Worker *w, const CallRow *row, GError **error)
{
  sqlite3_stmt *stmt = worker_prepare (
      w,
      "INSERT INTO calls (account, peer_uri, peer_name, peer_number, call_id, answered, ended,"
      " duration, outcome, park_flags, direction, transfer, transfer_party, started)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
      error);

  if (stmt == NULL)
    return 0;
  bind_row_common (stmt, row);
  sqlite3_bind_text (stmt, 11, row->direction == PL_CALL_DIRECTION_OUTGOING ? "out" : "in", -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 14, row->started);
  if (!stmt_done (w, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (w->db);
}

static gboolean
job_insert_call (Worker *w, Job *job, GError **error)
{
  CallRow *row = job->data;

  job->number = worker_insert_call (w, row, error);
  if (job->number <= 0)
    return FALSE;
  if (row->record)
    record_set_id (row->record, job->number);
  return TRUE;
}

static gboolean
job_update_call (Worker *w, Job *job, GError **error)
{
  CallRow *row = job->data;
  gint64 id = pl_history_record_get_id (row->record);
  sqlite3_stmt *stmt;

  if (id <= 0)
    {
      g_set_error_literal (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_FAILED,
                           _ ("The call was never stored, so it cannot be updated."));
      return FALSE;
    }
  stmt = worker_prepare (w,
                         "UPDATE calls SET account = ?1, peer_uri = ?2, peer_name = ?3,"
                         " peer_number = ?4, call_id = ?5, answered = ?6, ended = ?7,"
                         " duration = ?8, outcome = ?9, park_flags = park_flags | ?10,"
                         " transfer = ?12, transfer_party = ?13 WHERE id = ?11",
                         error);
  if (stmt == NULL)
    return FALSE;
  bind_row_common (stmt, row);
  sqlite3_bind_int64 (stmt, 11, id);
  return stmt_done (w, stmt, error);
}

typedef struct
{
  PlHistoryRecord *call_record;
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
} ParkRow;

static void
park_row_free (ParkRow *row)
{
  g_clear_pointer (&row->call_record, pl_history_record_unref);
  g_free (row->lot);
  g_free (row->slot);
  g_free (row->caller_name);
  g_free (row->caller_uri);
  g_free (row->party);
  g_free (row);
}

static ParkRow *
park_row_from_info (const PlHistoryParkInfo *info)
{
  ParkRow *row = g_new0 (ParkRow, 1);

  row->call_row = info->call_row;
  row->lot = g_strdup (info->lot);
  row->slot = g_strdup (info->slot);
  row->action = info->action;
  row->actor = info->actor;
  row->caller_name = g_strdup (info->caller_name);
  row->caller_uri = g_strdup (info->caller_uri);
  row->party = g_strdup (info->party);
  row->parked_at = info->parked_at;
  row->at = info->at ? info->at : g_get_real_time ();
  return row;
}

static gint64
worker_insert_park (Worker *w, const ParkRow *row, gint64 call_row, GError **error)
{
  sqlite3_stmt *stmt = worker_prepare (
      w,
      "INSERT INTO park_events (call_ref, lot, slot, action, actor, caller_name, caller_uri,"
      " parked_at, at, party) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
      error);

  if (stmt == NULL)
    return 0;
  if (call_row > 0)
    sqlite3_bind_int64 (stmt, 1, call_row);
  bind_text (stmt, 2, row->lot);
  bind_text (stmt, 3, row->slot);
  sqlite3_bind_text (stmt, 4, pl_history_park_action_to_string (row->action), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, row->actor == PL_HISTORY_PARK_ACTOR_OTHER ? "other" : "me", -1,
                     SQLITE_STATIC);
  bind_text (stmt, 6, row->caller_name);
  bind_text (stmt, 7, row->caller_uri);
  bind_time (stmt, 8, row->parked_at);
  sqlite3_bind_int64 (stmt, 9, row->at);
  bind_text (stmt, 10, row->party);
  if (!stmt_done (w, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (w->db);
}

static gboolean
job_insert_park (Worker *w, Job *job, GError **error)
{
  ParkRow *row = job->data;
  gint64 call_row = row->call_record ? pl_history_record_get_id (row->call_record) : row->call_row;

  job->number = worker_insert_park (w, row, call_row, error);
  return job->number > 0;
}

typedef struct
{
  GPtrArray *calls; /* CallRow */
  GPtrArray *parks; /* ParkRow */
} Batch;

static void
batch_free (Batch *batch)
{
  g_ptr_array_unref (batch->calls);
  g_ptr_array_unref (batch->parks);
  g_free (batch);
}

static gboolean
job_insert_batch (Worker *w, Job *job, GError **error)
{
  Batch *batch = job->data;
  g_autofree gint64 *ids = g_new0 (gint64, batch->calls->len + 1);

  if (!worker_exec (w, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (guint i = 0; i < batch->calls->len; i++)
    if ((ids[i] = worker_insert_call (w, batch->calls->pdata[i], error)) <= 0)
      goto fail;
  for (guint i = 0; i < batch->parks->len; i++)
    {
      ParkRow *row = batch->parks->pdata[i];
      gint64 call_row = row->call_row;

      if (call_row < 0 && (guint64)-call_row <= batch->calls->len)
        call_row = ids[-call_row - 1];
      else if (call_row < 0)
        call_row = 0;
      if (worker_insert_park (w, row, call_row, error) <= 0)
        goto fail;
    }
  if (worker_exec (w, "COMMIT", error))
    return TRUE;
fail:
  sqlite3_exec (w->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

typedef struct
{
  PlHistoryFilter filter;
  char *search;
  guint offset;
  guint limit;
  gint64 call_row;
  GFile *file;
} Query;

static void
query_free (Query *query)
{
  g_free (query->search);
  g_clear_object (&query->file);
  g_free (query);
}

static Query *
query_new (PlHistoryFilter filter, const char *search, guint offset, guint limit)
{
  Query *query = g_new0 (Query, 1);

  query->filter = filter;
  query->search = g_strdup (search);
  query->offset = offset;
  query->limit = limit;
  return query;
}

/* Prepares "<head> FROM calls c WHERE … <tail>" for the query's filter and
 * search and binds the search text as ?1. */
static sqlite3_stmt *
prepare_filtered (Worker *w, const Query *query, const char *head, const char *tail, GError **error)
{
  g_autofree char *fts = pl_history_search_to_fts (query->search);
  g_autofree char *like = fts ? NULL : pl_history_search_to_like (query->search);
  g_autoptr (GString) sql = g_string_new (head);
  sqlite3_stmt *stmt;

  g_string_append (sql, " FROM calls c WHERE 1");
  switch (query->filter)
    {
      case PL_HISTORY_FILTER_MISSED:
        g_string_append (sql, " AND c.outcome = 'missed'");
        break;
      case PL_HISTORY_FILTER_PARKED:
        g_string_append (sql, " AND (c.park_flags & 1) != 0");
        break;
      case PL_HISTORY_FILTER_RETURNED:
        g_string_append (sql, " AND (c.park_flags & 2) != 0");
        break;
      case PL_HISTORY_FILTER_ALL:
      default:
        break;
    }
  if (fts)
    g_string_append (sql, " AND c.id IN (SELECT rowid FROM calls_fts WHERE calls_fts MATCH ?1)");
  else if (like)
    g_string_append (sql, " AND (c.peer_name LIKE ?1 ESCAPE '\\'"
                          " OR c.peer_number LIKE ?1 ESCAPE '\\')");
  g_string_append (sql, tail);

  stmt = worker_prepare (w, sql->str, error);
  if (stmt && (fts || like))
    sqlite3_bind_text (stmt, 1, fts ? fts : like, -1, SQLITE_TRANSIENT);
  return stmt;
}

static gboolean
job_count (Worker *w, Job *job, GError **error)
{
  sqlite3_stmt *stmt = prepare_filtered (w, job->data, "SELECT count(*)", "", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  job->number = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW ? TRUE : set_sqlite_error (w, rc, error);
}

#define ORDER_NEWEST_FIRST " ORDER BY c.started DESC, c.id DESC"

static gboolean
job_query (Worker *w, Job *job, GError **error)
{
  Query *query = job->data;
  sqlite3_stmt *stmt = prepare_filtered (w, query, "SELECT " PL_HISTORY_ENTRY_COLUMNS,
                                         ORDER_NEWEST_FIRST " LIMIT ?2 OFFSET ?3", error);
  GPtrArray *entries;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 2, query->limit);
  sqlite3_bind_int64 (stmt, 3, query->offset);
  entries = g_ptr_array_new_with_free_func (g_object_unref);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, pl_history_entry_new_from_stmt (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      g_ptr_array_unref (entries);
      return set_sqlite_error (w, rc, error);
    }
  job->pointer = entries;
  job->pointer_free = (GDestroyNotify)g_ptr_array_unref;
  return TRUE;
}

static char *
column_dup (sqlite3_stmt *stmt, int column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);
  return text ? g_strdup ((const char *)text) : NULL;
}

static gboolean
job_list_park_events (Worker *w, Job *job, GError **error)
{
  Query *query = job->data;
  const char *sql = query->call_row > 0
                        ? "SELECT id, call_ref, lot, slot, action, actor, caller_name,"
                          " caller_uri, parked_at, at, party FROM park_events"
                          " WHERE call_ref = ?1 ORDER BY at, id"
                        : "SELECT id, call_ref, lot, slot, action, actor, caller_name,"
                          " caller_uri, parked_at, at, party FROM park_events"
                          " WHERE call_ref IS NULL ORDER BY at, id";
  sqlite3_stmt *stmt = worker_prepare (w, sql, error);
  GPtrArray *events;
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (query->call_row > 0)
    sqlite3_bind_int64 (stmt, 1, query->call_row);
  events = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_history_park_event_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PlHistoryParkEvent *event = g_new0 (PlHistoryParkEvent, 1);
      g_autofree char *action = column_dup (stmt, 4);
      g_autofree char *actor = column_dup (stmt, 5);

      event->id = sqlite3_column_int64 (stmt, 0);
      event->call_row = sqlite3_column_int64 (stmt, 1);
      event->lot = column_dup (stmt, 2);
      event->slot = column_dup (stmt, 3);
      event->action = pl_history_park_action_from_string (action);
      event->actor = g_strcmp0 (actor, "other") == 0 ? PL_HISTORY_PARK_ACTOR_OTHER
                                                     : PL_HISTORY_PARK_ACTOR_ME;
      event->caller_name = column_dup (stmt, 6);
      event->caller_uri = column_dup (stmt, 7);
      event->parked_at = sqlite3_column_int64 (stmt, 8);
      event->at = sqlite3_column_int64 (stmt, 9);
      event->party = column_dup (stmt, 10);
      g_ptr_array_add (events, event);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      g_ptr_array_unref (events);
      return set_sqlite_error (w, rc, error);
    }
  job->pointer = events;
  job->pointer_free = (GDestroyNotify)g_ptr_array_unref;
  return TRUE;
}

/* Clearing a damaged history starts a new file. The old one is kept next to
 * it, renamed, in case someone wants to rescue it. */
static gboolean
worker_replace_damaged (Worker *w, GError **error)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *kept = g_strdup_printf ("%s.damaged-%s", w->path, stamp);
  static const char *const suffixes[] = { "-wal", "-shm" };

  if (g_rename (w->path, kept) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_READ_ONLY,
                   _ ("The damaged call history “%s” cannot be moved away: %s"), w->path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (w->path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (kept, suffixes[i], NULL);
      g_rename (from, to);
    }
  g_message ("Damaged history moved to %s; starting a new one", kept);
  return job_open (w, NULL, error);
}

static gboolean
job_clear (Worker *w, Job *job, GError **error)
{
  if (w->db == NULL)
    {
      if (w->damaged)
        return worker_replace_damaged (w, error);
      g_set_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_DISABLED,
                   _ ("Call history is off: %s"), w->problem ? w->problem : _ ("not open"));
      return FALSE;
    }
  if (!worker_exec (w, "BEGIN IMMEDIATE; DELETE FROM park_events", error))
    goto fail;
  if (!worker_exec (w, "DELETE FROM calls", error))
    goto fail;
  job->number = sqlite3_changes64 (w->db);
  if (!worker_exec (w, "COMMIT", error))
    goto fail;
  /* Deleted rows linger in free pages and the WAL until rewritten; a user
   * who clears history expects them gone from the disk. */
  if (!worker_exec (w, "VACUUM; PRAGMA wal_checkpoint(TRUNCATE)", error))
    return FALSE;
  return TRUE;
fail:
  sqlite3_exec (w->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static gboolean
job_delete_older (Worker *w, Job *job, GError **error)
{
  gint64 cutoff = job->number;
  sqlite3_stmt *stmt;

  if (!worker_exec (w, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = worker_prepare (w,
                         "DELETE FROM calls WHERE started < ?1"
                         " AND outcome != '" PL_HISTORY_OUTCOME_IN_PROGRESS "'",
                         error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, cutoff);
  if (!stmt_done (w, stmt, error))
    goto fail;
  job->number = sqlite3_changes64 (w->db);
  stmt = worker_prepare (w, "DELETE FROM park_events WHERE at < ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, cutoff);
  if (!stmt_done (w, stmt, error) || !worker_exec (w, "COMMIT", error))
    goto fail;
  return TRUE;
fail:
  sqlite3_exec (w->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static void
csv_append_time (GString *line, gint64 usec)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;
  g_autofree char *text = NULL;

  if (usec > 0 && (utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC)))
    {
      local = g_date_time_to_local (utc);
      text = g_date_time_format_iso8601 (local);
      pl_history_csv_append_field (line, text);
    }
  g_string_append_c (line, ',');
}

static void
csv_append (GString *line, const char *value)
{
  pl_history_csv_append_field (line, value);
  g_string_append_c (line, ',');
}

static gboolean
job_export_csv (Worker *w, Job *job, GError **error)
{
  Query *query = job->data;
  g_autoptr (GFileOutputStream) out = NULL;
  g_autoptr (GString) buf = g_string_new (NULL);
  g_autoptr (GCancellable) abort_write = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare_filtered (w, query, "SELECT " PL_HISTORY_ENTRY_COLUMNS, ORDER_NEWEST_FIRST, error);
  if (stmt == NULL)
    return FALSE;
  /* Call history is personal data: the file is created 0600. */
  out = g_file_replace (query->file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, error);
  if (out == NULL)
    {
      sqlite3_reset (stmt);
      return FALSE;
    }
  g_string_append (buf, "id,started,answered,ended,duration_seconds,direction,account,"
                        "name,number,uri,call_id,outcome,park_lot,park_slot,park_action\r\n");
  job->number = 0;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (PlHistoryEntry) e = pl_history_entry_new_from_stmt (stmt);
      PlHistoryParkAction action = pl_history_entry_get_park_action (e);

      g_string_append_printf (buf, "%" G_GINT64_FORMAT ",", pl_history_entry_get_id (e));
      csv_append_time (buf, pl_history_entry_get_started (e));
      csv_append_time (buf, pl_history_entry_get_answered (e));
      csv_append_time (buf, pl_history_entry_get_ended (e));
      g_string_append_printf (buf, "%" G_GINT64_FORMAT ",",
                              pl_history_entry_get_duration (e) / G_USEC_PER_SEC);
      csv_append (buf, pl_history_entry_get_direction (e) == PL_CALL_DIRECTION_OUTGOING
                           ? "outgoing"
                           : "incoming");
      csv_append (buf, pl_history_entry_get_account (e));
      csv_append (buf, pl_history_entry_get_peer_name (e));
      csv_append (buf, pl_history_entry_get_peer_number (e));
      csv_append (buf, pl_history_entry_get_peer_uri (e));
      csv_append (buf, pl_history_entry_get_call_id (e));
      csv_append (buf, pl_history_entry_get_outcome (e));
      csv_append (buf, pl_history_entry_get_park_lot (e));
      csv_append (buf, pl_history_entry_get_park_slot (e));
      if (action != PL_HISTORY_PARK_ACTION_NONE)
        pl_history_csv_append_field (buf, pl_history_park_action_to_string (action));
      g_string_append (buf, "\r\n");
      job->number++;
      if (buf->len >= 64 * 1024)
        {
          if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), buf->str, buf->len, NULL, NULL,
                                          error))
            goto fail;
          g_string_truncate (buf, 0);
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (w, rc, error);
      goto fail;
    }
  if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), buf->str, buf->len, NULL, NULL, error)
      || !g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error))
    goto fail;
  return TRUE;
fail:
  sqlite3_reset (stmt);
  /* Closing with a cancelled cancellable drops the temporary file and keeps
   * whatever was at the destination before. */
  abort_write = g_cancellable_new ();
  g_cancellable_cancel (abort_write);
  g_output_stream_close (G_OUTPUT_STREAM (out), abort_write, NULL);
  return FALSE;
}

/* ---- GObject ------------------------------------------------------------ */

static void
pl_history_finalize (GObject *object)
{
  PlHistory *self = PL_HISTORY (object);
  Job *quit = g_new0 (Job, 1);

  /* Jobs queued before this one still run: pending writes are not lost. */
  quit->quit = TRUE;
  g_async_queue_push (self->worker->queue, quit);
  if (g_thread_self () == self->thread)
    g_thread_unref (self->thread); /* last ref dropped by a job: cannot join ourselves */
  else
    g_thread_join (self->thread);
  worker_unref (self->worker);
  g_free (self->path);
  g_free (self->problem);

  G_OBJECT_CLASS (pl_history_parent_class)->finalize (object);
}

static void
pl_history_constructed (GObject *object)
{
  PlHistory *self = PL_HISTORY (object);
  Worker *w = g_new0 (Worker, 1);

  G_OBJECT_CLASS (pl_history_parent_class)->constructed (object);

  if (self->path == NULL)
    self->path = pl_history_default_path ();
  g_atomic_ref_count_init (&w->ref_count);
  w->queue = g_async_queue_new ();
  g_mutex_init (&w->mutex);
  g_cond_init (&w->cond);
  w->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&w->owner, self);
  w->path = g_strdup (self->path);
  w->busy_timeout_ms = DEFAULT_BUSY_TIMEOUT_MS;
  self->worker = w;
  self->thread = g_thread_new ("pl-history", worker_main, worker_ref (w));
}

static void
pl_history_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlHistory *self = PL_HISTORY (object);

  switch (prop_id)
    {
      case PROP_PATH:
        g_value_set_string (value, self->path);
        break;
      case PROP_DISABLED:
        g_value_set_boolean (value, self->disabled);
        break;
      case PROP_PROBLEM:
        g_value_set_string (value, self->problem);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_history_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PlHistory *self = PL_HISTORY (object);

  switch (prop_id)
    {
      case PROP_PATH:
        self->path = g_value_dup_string (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_history_class_init (PlHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pl_history_finalize;
  object_class->constructed = pl_history_constructed;
  object_class->get_property = pl_history_get_property;
  object_class->set_property = pl_history_set_property;

  properties[PROP_PATH]
      = g_param_spec_string ("path", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISABLED]
      = g_param_spec_boolean ("disabled", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROBLEM]
      = g_param_spec_string ("problem", NULL, NULL, NULL,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pl_history_init (PlHistory *self)
{
}

/* ---- public API --------------------------------------------------------- */

char *
pl_history_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "parkline", "history.db", NULL);
}

PlHistory *
pl_history_new (const char *path)
{
  return g_object_new (PL_TYPE_HISTORY, "path", path, NULL);
}

const char *
pl_history_get_path (PlHistory *self)
{
  g_return_val_if_fail (PL_IS_HISTORY (self), NULL);
  return self->path;
}

gboolean
pl_history_get_disabled (PlHistory *self)
{
  g_return_val_if_fail (PL_IS_HISTORY (self), TRUE);
  return self->disabled;
}

const char *
pl_history_get_problem (PlHistory *self)
{
  g_return_val_if_fail (PL_IS_HISTORY (self), NULL);
  return self->problem;
}

void
pl_history_set_busy_timeout (PlHistory *self, guint timeout_ms)
{
  g_return_if_fail (PL_IS_HISTORY (self));
  g_atomic_int_set (&self->worker->busy_timeout_ms, (int)MIN (timeout_ms, G_MAXINT));
}

static Job *
open_job (void)
{
  Job *job = job_new (job_open, NULL, NULL, FALSE);
  job->runs_disabled = TRUE;
  return job;
}

void
pl_history_open_async (PlHistory *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_return_if_fail (PL_IS_HISTORY (self));
  submit_async (self, open_job (), cancellable, callback, user_data, pl_history_open_async);
}

gboolean
pl_history_open_finish (PlHistory *self, GAsyncResult *result, GError **error)
{
  return finish_number (self, result, pl_history_open_async, error) >= 0;
}

/* The disabled state is applied here at once (not only when the worker's
 * notification arrives) so the caller sees it as soon as this returns. */
static void
apply_open_result (PlHistory *self, const GError *error)
{
  gboolean disabled = error != NULL;

  if (pl_set_str (&self->problem, error ? error->message : NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
  if (self->disabled != disabled)
    {
      self->disabled = disabled;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISABLED]);
    }
}

gboolean
pl_history_open_sync (PlHistory *self, GError **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (PL_IS_HISTORY (self), FALSE);
  run_sync_number (self, open_job (), &local_error);
  apply_open_result (self, local_error);
  if (local_error)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

PlHistoryRecord *
pl_history_call_started (PlHistory *self, PlCall *call)
{
  PlHistoryRecord *record;
  CallRow *row;

  g_return_val_if_fail (PL_IS_HISTORY (self), NULL);
  g_return_val_if_fail (PL_IS_CALL (call), NULL);

  record = pl_history_record_new ();
  row = call_row_from_call (call);
  row->record = pl_history_record_ref (record);
  g_async_queue_push (self->worker->queue,
                      job_new (job_insert_call, row, (GDestroyNotify)call_row_free, TRUE));
  return record;
}

void
pl_history_call_updated (PlHistory *self, PlHistoryRecord *record, PlCall *call)
{
  CallRow *row;

  g_return_if_fail (PL_IS_HISTORY (self));
  g_return_if_fail (record != NULL);
  g_return_if_fail (PL_IS_CALL (call));

  row = call_row_from_call (call);
  row->record = pl_history_record_ref (record);
  g_async_queue_push (self->worker->queue,
                      job_new (job_update_call, row, (GDestroyNotify)call_row_free, TRUE));
}

void
pl_history_add_park_event (PlHistory *self, PlHistoryRecord *call_record,
                           const PlHistoryParkInfo *info)
{
  ParkRow *row;

  g_return_if_fail (PL_IS_HISTORY (self));
  g_return_if_fail (info != NULL);

  row = park_row_from_info (info);
  if (call_record)
    row->call_record = pl_history_record_ref (call_record);
  g_async_queue_push (self->worker->queue,
                      job_new (job_insert_park, row, (GDestroyNotify)park_row_free, TRUE));
}

gboolean
pl_history_flush_sync (PlHistory *self, GError **error)
{
  Job *job;

  g_return_val_if_fail (PL_IS_HISTORY (self), FALSE);
  job = job_new (job_nothing, NULL, NULL, FALSE);
  job->runs_disabled = TRUE;
  return run_sync_number (self, job, error) >= 0;
}

gint64
pl_history_insert_call_sync (PlHistory *self, const PlHistoryCallInfo *info, GError **error)
{
  g_return_val_if_fail (PL_IS_HISTORY (self), -1);
  g_return_val_if_fail (info != NULL, -1);
  return run_sync_number (
      self,
      job_new (job_insert_call, call_row_from_info (info), (GDestroyNotify)call_row_free, TRUE),
      error);
}

gint64
pl_history_insert_park_event_sync (PlHistory *self, const PlHistoryParkInfo *info, GError **error)
{
  g_return_val_if_fail (PL_IS_HISTORY (self), -1);
  g_return_val_if_fail (info != NULL, -1);
  return run_sync_number (
      self,
      job_new (job_insert_park, park_row_from_info (info), (GDestroyNotify)park_row_free, TRUE),
      error);
}

gboolean
pl_history_insert_batch_sync (PlHistory *self, const PlHistoryCallInfo *calls, guint n_calls,
                              const PlHistoryParkInfo *parks, guint n_parks, GError **error)
{
  Batch *batch;

  g_return_val_if_fail (PL_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (calls != NULL || n_calls == 0, FALSE);
  g_return_val_if_fail (parks != NULL || n_parks == 0, FALSE);

  batch = g_new0 (Batch, 1);
  batch->calls = g_ptr_array_new_full (n_calls, (GDestroyNotify)call_row_free);
  batch->parks = g_ptr_array_new_full (n_parks, (GDestroyNotify)park_row_free);
  for (guint i = 0; i < n_calls; i++)
    g_ptr_array_add (batch->calls, call_row_from_info (&calls[i]));
  for (guint i = 0; i < n_parks; i++)
    g_ptr_array_add (batch->parks, park_row_from_info (&parks[i]));
  return run_sync_number (self, job_new (job_insert_batch, batch, (GDestroyNotify)batch_free, TRUE),
                          error)
         >= 0;
}

void
pl_history_query_async (PlHistory *self, PlHistoryFilter filter, const char *search, guint offset,
                        guint limit, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_return_if_fail (PL_IS_HISTORY (self));
  submit_async (self,
                job_new (job_query, query_new (filter, search, offset, limit),
                         (GDestroyNotify)query_free, FALSE),
                cancellable, callback, user_data, pl_history_query_async);
}

GPtrArray *
pl_history_query_finish (PlHistory *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
pl_history_query_sync (PlHistory *self, PlHistoryFilter filter, const char *search, guint offset,
                       guint limit, GError **error)
{
  g_return_val_if_fail (PL_IS_HISTORY (self), NULL);
  return run_sync_pointer (self,
                           job_new (job_query, query_new (filter, search, offset, limit),
                                    (GDestroyNotify)query_free, FALSE),
                           error);
}

void
pl_history_count_async (PlHistory *self, PlHistoryFilter filter, const char *search,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (PL_IS_HISTORY (self));
  submit_async (
      self,
      job_new (job_count, query_new (filter, search, 0, 0), (GDestroyNotify)query_free, FALSE),
      cancellable, callback, user_data, pl_history_count_async);
}

gint64
pl_history_count_finish (PlHistory *self, GAsyncResult *result, GError **error)
{
  return finish_number (self, result, pl_history_count_async, error);
}

gint64
pl_history_count_sync (PlHistory *self, PlHistoryFilter filter, const char *search, GError **error)
{
  g_return_val_if_fail (PL_IS_HISTORY (self), -1);
  return run_sync_number (
      self,
      job_new (job_count, query_new (filter, search, 0, 0), (GDestroyNotify)query_free, FALSE),
      error);
}

GPtrArray *
pl_history_list_park_events_sync (PlHistory *self, gint64 call_row, GError **error)
{
  Query *query;

  g_return_val_if_fail (PL_IS_HISTORY (self), NULL);
  query = query_new (PL_HISTORY_FILTER_ALL, NULL, 0, 0);
  query->call_row = call_row;
  return run_sync_pointer (
      self, job_new (job_list_park_events, query, (GDestroyNotify)query_free, FALSE), error);
}

static Job *
clear_job (void)
{
  Job *job = job_new (job_clear, NULL, NULL, TRUE);
  job->runs_disabled = TRUE; /* a damaged file is replaced by a new one */
  return job;
}

void
pl_history_clear_async (PlHistory *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_return_if_fail (PL_IS_HISTORY (self));
  submit_async (self, clear_job (), cancellable, callback, user_data, pl_history_clear_async);
}

gint64
pl_history_clear_finish (PlHistory *self, GAsyncResult *result, GError **error)
{
  return finish_number (self, result, pl_history_clear_async, error);
}

gint64
pl_history_clear_sync (PlHistory *self, GError **error)
{
  g_return_val_if_fail (PL_IS_HISTORY (self), -1);
  return run_sync_number (self, clear_job (), error);
}

static Job *
delete_older_job (guint days)
{
  Job *job = job_new (job_delete_older, NULL, NULL, TRUE);

  /* The cutoff travels in job->number; the job replaces it by the count. */
  job->number = g_get_real_time () - (gint64)days * 24 * 3600 * G_USEC_PER_SEC;
  return job;
}

void
pl_history_delete_older_than_async (PlHistory *self, guint days, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (PL_IS_HISTORY (self));
  submit_async (self, delete_older_job (days), cancellable, callback, user_data,
                pl_history_delete_older_than_async);
}

gint64
pl_history_delete_older_than_finish (PlHistory *self, GAsyncResult *result, GError **error)
{
  return finish_number (self, result, pl_history_delete_older_than_async, error);
}

gint64
pl_history_delete_older_than_sync (PlHistory *self, guint days, GError **error)
{
  g_return_val_if_fail (PL_IS_HISTORY (self), -1);
  return run_sync_number (self, delete_older_job (days), error);
}

static Job *
export_job (GFile *file, PlHistoryFilter filter, const char *search)
{
  Query *query = query_new (filter, search, 0, 0);

  query->file = g_object_ref (file);
  return job_new (job_export_csv, query, (GDestroyNotify)query_free, FALSE);
}

void
pl_history_export_csv_async (PlHistory *self, GFile *file, PlHistoryFilter filter,
                             const char *search, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (PL_IS_HISTORY (self));
  g_return_if_fail (G_IS_FILE (file));
  submit_async (self, export_job (file, filter, search), cancellable, callback, user_data,
                pl_history_export_csv_async);
}

gint64
pl_history_export_csv_finish (PlHistory *self, GAsyncResult *result, GError **error)
{
  return finish_number (self, result, pl_history_export_csv_async, error);
}

gint64
pl_history_export_csv_sync (PlHistory *self, GFile *file, PlHistoryFilter filter,
                            const char *search, GError **error)
{
  g_return_val_if_fail (PL_IS_HISTORY (self), -1);
  g_return_val_if_fail (G_IS_FILE (file), -1);
  return run_sync_number (self, export_job (file, filter, search), error);
}
