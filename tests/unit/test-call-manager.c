/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-call-manager.h"
#include "pl-script-engine.h"
#include "pl-sip-uri.h"
#include "pl-test-util.h"

typedef struct
{
  PlAccount *account;
  PlScriptEngine *engine;
  PlCallManager *manager;
  GPtrArray *messages;
  GPtrArray *ended;
} Fixture;

static void
on_message (PlCallManager *manager, const char *text, Fixture *fx)
{
  g_ptr_array_add (fx->messages, g_strdup (text));
}

static void
on_call_ended (PlCallManager *manager, PlCall *call, Fixture *fx)
{
  g_ptr_array_add (fx->ended, g_object_ref (call));
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  fx->account = pl_account_new ("test");
  pl_account_set_user (fx->account, "100");
  pl_account_set_domain (fx->account, "pbx");
  fx->engine = pl_script_engine_new (fx->account);
  pl_engine_start (PL_ENGINE (fx->engine));
  fx->manager = pl_call_manager_new (PL_ENGINE (fx->engine));
  fx->messages = g_ptr_array_new_with_free_func (g_free);
  fx->ended = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (fx->manager, "message", G_CALLBACK (on_message), fx);
  g_signal_connect (fx->manager, "call-ended", G_CALLBACK (on_call_ended), fx);
}

static void flush (void);

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  flush ();
  g_ptr_array_unref (fx->ended);
  g_assert_finalize_object (fx->manager);
  g_assert_finalize_object (fx->engine);
  g_assert_finalize_object (fx->account);
  g_ptr_array_unref (fx->messages);
}

/* Lets the engine's action callbacks (idle-completed GTasks) run. */
static void
flush (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static int
log_index (Fixture *fx, const char *line)
{
  GPtrArray *log = pl_script_engine_get_log (fx->engine);
  for (guint i = 0; i < log->len; i++)
    if (g_strcmp0 (g_ptr_array_index (log, i), line) == 0)
      return (int)i;
  return -1;
}

static gboolean
log_has (Fixture *fx, const char *line)
{
  return log_index (fx, line) >= 0;
}

static PlCall *
incoming (Fixture *fx, const char *id, const char *peer)
{
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_INCOMING, id, PL_CALL_DIRECTION_INCOMING,
                         peer, peer);
  return pl_call_manager_find_call (fx->manager, id);
}

static PlCall *
established_incoming (Fixture *fx, const char *id, const char *peer)
{
  PlCall *call = incoming (fx, id, peer);
  g_assert_true (pl_call_manager_answer (fx->manager, call, NULL));
  flush ();
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, id,
                         PL_CALL_DIRECTION_INCOMING, peer, peer);
  g_assert_cmpint (pl_call_get_state (call), ==, PL_CALL_STATE_ACTIVE);
  return call;
}

static void
test_dial_lifecycle (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  PlCall *call = pl_call_manager_dial (fx->manager, " 201 ", &error);
  g_autoptr (PlCall) keep = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (call);
  keep = g_object_ref (call);
  flush ();
  g_assert_true (log_has (fx, "dial - sip:201@pbx"));
  g_assert_null (pl_call_get_id (call));
  g_assert_cmpint (pl_call_get_state (call), ==, PL_CALL_STATE_DIALING);
  g_assert_true (pl_call_manager_get_active_call (fx->manager) == call);

  /* The first event naming the call claims the pending dial. */
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_RINGING, "c1", PL_CALL_DIRECTION_OUTGOING,
                         "sip:201@pbx", NULL);
  g_assert_cmpstr (pl_call_get_id (call), ==, "c1");
  g_assert_cmpint (pl_call_get_state (call), ==, PL_CALL_STATE_RINGING);
  g_assert_cmpuint (g_list_model_get_n_items (pl_call_manager_get_calls (fx->manager)), ==, 1);

  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, "c1",
                         PL_CALL_DIRECTION_OUTGOING, "sip:201@pbx", NULL);
  g_assert_cmpint (pl_call_get_state (call), ==, PL_CALL_STATE_ACTIVE);
  g_assert_cmpint (pl_call_get_answered (call), >, 0);

  g_assert_true (pl_call_manager_hangup (fx->manager, call, &error));
  flush ();
  g_assert_true (log_has (fx, "hangup c1 "));
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_CLOSED, "c1", PL_CALL_DIRECTION_OUTGOING,
                         "sip:201@pbx", "Connection reset by user");
  g_assert_cmpint (pl_call_get_end (call), ==, PL_CALL_END_HANGUP);
  g_assert_cmpuint (fx->ended->len, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (pl_call_manager_get_calls (fx->manager)), ==, 0);
  g_assert_null (pl_call_manager_get_active_call (fx->manager));
}

static void
test_dial_errors (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (pl_call_manager_dial (fx->manager, "hello world", &error));
  g_assert_error (error, PL_SIP_URI_ERROR, PL_SIP_URI_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (pl_call_manager_dial (fx->manager, "", &error));
  g_assert_error (error, PL_SIP_URI_ERROR, PL_SIP_URI_ERROR_EMPTY);
  g_clear_error (&error);

  pl_script_engine_set_state (fx->engine, PL_ENGINE_STATE_RESTARTING);
  g_assert_null (pl_call_manager_dial (fx->manager, "201", &error));
  g_assert_error (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_ENGINE_DOWN);
  g_clear_error (&error);

  pl_script_engine_set_state (fx->engine, PL_ENGINE_STATE_RUNNING);
  pl_account_set_user (fx->account, "");
  g_assert_null (pl_call_manager_dial (fx->manager, "201", &error));
  g_assert_error (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_NO_ACCOUNT);
  g_assert_cmpuint (pl_script_engine_get_log (fx->engine)->len, ==, 0);
}

static void
test_dial_rejected_by_engine (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) call = NULL;

  pl_script_engine_fail_next (fx->engine, PL_ENGINE_ACTION_DIAL, "no audio device");
  call = g_object_ref (pl_call_manager_dial (fx->manager, "201", NULL));
  flush ();
  g_assert_cmpint (pl_call_get_state (call), ==, PL_CALL_STATE_ENDED);
  g_assert_cmpint (pl_call_get_end (call), ==, PL_CALL_END_FAILED);
  g_assert_cmpuint (fx->messages->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (fx->messages, 0), "no audio device"));
}

typedef struct
{
  const char *name;
  PlCallDirection direction;
  gboolean answered;
  enum
  {
    NOTHING,
    DECLINE,
    TRANSFER,
    PARK
  } user;
  const char *close_param;
  PlCallEnd expected;
} EndCase;

static const EndCase end_cases[] = {
  { "missed", PL_CALL_DIRECTION_INCOMING, FALSE, NOTHING, "Connection reset by peer",
    PL_CALL_END_MISSED },
  { "declined", PL_CALL_DIRECTION_INCOMING, FALSE, DECLINE, "Connection reset by user",
    PL_CALL_END_DECLINED },
  { "answered-in", PL_CALL_DIRECTION_INCOMING, TRUE, NOTHING, "Connection reset by peer",
    PL_CALL_END_HANGUP },
  { "busy", PL_CALL_DIRECTION_OUTGOING, FALSE, NOTHING, "486 Rejected", PL_CALL_END_DECLINED },
  { "not-found", PL_CALL_DIRECTION_OUTGOING, FALSE, NOTHING, "404 Not Found", PL_CALL_END_FAILED },
  { "answered-out", PL_CALL_DIRECTION_OUTGOING, TRUE, NOTHING, "Connection reset by peer",
    PL_CALL_END_HANGUP },
  { "transferred", PL_CALL_DIRECTION_OUTGOING, TRUE, TRANSFER, "Call transfered",
    PL_CALL_END_TRANSFERRED },
  { "parked", PL_CALL_DIRECTION_INCOMING, TRUE, PARK, "Call transfered", PL_CALL_END_PARKED },
  { "transferee", PL_CALL_DIRECTION_INCOMING, TRUE, NOTHING, "Call transfered",
    PL_CALL_END_TRANSFERRED },
  { "engine", PL_CALL_DIRECTION_INCOMING, TRUE, NOTHING, PL_ENGINE_CLOSE_REASON_STOPPED,
    PL_CALL_END_ENGINE_STOPPED },
};

static void
test_end_classification (Fixture *fx, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (end_cases); i++)
    {
      const EndCase *c = &end_cases[i];
      g_autofree char *id = g_strdup_printf ("end-%u", i);
      g_autoptr (PlCall) call = NULL;

      g_test_message ("case %s", c->name);
      if (c->direction == PL_CALL_DIRECTION_INCOMING)
        {
          call = g_object_ref (incoming (fx, id, "sip:201@pbx"));
          if (c->answered)
            pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, id, c->direction,
                                   "sip:201@pbx", NULL);
        }
      else
        {
          call = g_object_ref (pl_call_manager_dial (fx->manager, "201", NULL));
          pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_RINGING, id, c->direction,
                                 "sip:201@pbx", NULL);
          if (c->answered)
            pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, id, c->direction,
                                   "sip:201@pbx", NULL);
        }
      if (c->user == DECLINE)
        g_assert_true (pl_call_manager_decline (fx->manager, call, NULL));
      if (c->user == TRANSFER)
        g_assert_true (pl_call_manager_transfer (fx->manager, call, "203", NULL));
      if (c->user == PARK)
        g_assert_true (pl_call_manager_park (fx->manager, call, "sip:700@pbx", NULL));
      flush ();
      pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_CLOSED, id, c->direction,
                             "sip:201@pbx", c->close_param);
      g_assert_cmpint (pl_call_get_end (call), ==, c->expected);
      g_assert_cmpstr (pl_call_get_end_reason (call), ==, c->close_param);
      g_assert_false (pl_call_is_live (call));
    }
  g_assert_cmpuint (fx->ended->len, ==, G_N_ELEMENTS (end_cases));
}

static void
test_call_waiting (Fixture *fx, gconstpointer data)
{
  PlCall *first = established_incoming (fx, "c1", "sip:201@pbx");
  PlCall *second = incoming (fx, "c2", "sip:202@pbx");

  /* The talking call keeps the pane while the second one rings. */
  g_assert_true (pl_call_manager_get_active_call (fx->manager) == first);
  g_assert_true (pl_call_manager_find_by_state (fx->manager, PL_CALL_STATE_INCOMING) == second);

  pl_script_engine_clear_log (fx->engine);
  g_assert_true (pl_call_manager_answer (fx->manager, second, NULL));
  flush ();
  g_assert_cmpint (log_index (fx, "hold c1 "), >=, 0);
  g_assert_cmpint (log_index (fx, "hold c1 "), <, log_index (fx, "answer c2 "));
  g_assert_cmpint (pl_call_get_state (first), ==, PL_CALL_STATE_HELD);
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, "c2",
                         PL_CALL_DIRECTION_INCOMING, "sip:202@pbx", NULL);
  g_assert_true (pl_call_manager_get_active_call (fx->manager) == second);

  /* Switching back holds the other one. */
  pl_script_engine_clear_log (fx->engine);
  g_assert_true (pl_call_manager_resume (fx->manager, first, NULL));
  flush ();
  g_assert_cmpint (log_index (fx, "hold c2 "), <, log_index (fx, "resume c1 "));
  g_assert_cmpint (pl_call_get_state (first), ==, PL_CALL_STATE_ACTIVE);
  g_assert_cmpint (pl_call_get_state (second), ==, PL_CALL_STATE_HELD);
  g_assert_true (pl_call_manager_get_active_call (fx->manager) == first);
}

static void
test_wrong_state (Fixture *fx, gconstpointer data)
{
  PlCall *call = incoming (fx, "c1", "sip:201@pbx");
  g_autoptr (GError) error = NULL;

  g_assert_false (pl_call_manager_hold (fx->manager, call, &error));
  g_assert_error (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_WRONG_STATE);
  g_clear_error (&error);
  g_assert_false (pl_call_manager_send_dtmf (fx->manager, call, "1", &error));
  g_assert_error (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_WRONG_STATE);
  g_clear_error (&error);
  g_assert_false (pl_call_manager_transfer (fx->manager, call, "not a number!", &error));
  g_assert_error (error, PL_SIP_URI_ERROR, PL_SIP_URI_ERROR_INVALID);
  g_assert_cmpuint (pl_script_engine_get_log (fx->engine)->len, ==, 0);
}

static void
test_dtmf_mute_transfer (Fixture *fx, gconstpointer data)
{
  PlCall *call = established_incoming (fx, "c1", "sip:201@pbx");
  g_autoptr (GError) error = NULL;

  g_assert_false (pl_call_manager_send_dtmf (fx->manager, call, "1x", &error));
  g_assert_error (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_INVALID);
  g_assert_true (pl_call_manager_send_dtmf (fx->manager, call, "1#", NULL));

  g_assert_true (pl_call_manager_set_muted (fx->manager, call, TRUE, NULL));
  g_assert_true (pl_call_get_muted (call));
  /* A mute the engine refused is rolled back. */
  pl_script_engine_fail_next (fx->engine, PL_ENGINE_ACTION_MUTE, "no call");
  g_assert_true (pl_call_manager_set_muted (fx->manager, call, FALSE, NULL));
  flush ();
  g_assert_true (pl_call_get_muted (call));

  g_assert_true (pl_call_manager_transfer (fx->manager, call, "203", NULL));
  flush ();
  g_assert_true (log_has (fx, "dtmf c1 1#"));
  g_assert_true (log_has (fx, "transfer c1 sip:203@pbx"));

  /* A failed transfer leaves the call up and says why. */
  g_ptr_array_set_size (fx->messages, 0);
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_TRANSFER_FAILED, "c1",
                         PL_CALL_DIRECTION_INCOMING, "sip:201@pbx", "404 Not Found");
  g_assert_true (pl_call_is_live (call));
  g_assert_cmpuint (fx->messages->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (fx->messages, 0), "404 Not Found"));
}

static void
test_engine_stops (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) first = g_object_ref (established_incoming (fx, "c1", "sip:201@pbx"));
  g_autoptr (PlCall) pending = g_object_ref (pl_call_manager_dial (fx->manager, "202", NULL));

  pl_script_engine_set_state (fx->engine, PL_ENGINE_STATE_RESTARTING);
  g_assert_cmpint (pl_call_get_end (first), ==, PL_CALL_END_ENGINE_STOPPED);
  g_assert_cmpint (pl_call_get_end (pending), ==, PL_CALL_END_ENGINE_STOPPED);
  g_assert_cmpuint (g_list_model_get_n_items (pl_call_manager_get_calls (fx->manager)), ==, 0);
  g_assert_cmpuint (fx->ended->len, ==, 2);
  g_assert_cmpuint (fx->messages->len, ==, 2);

  /* A late close from the dying engine changes nothing. */
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_CLOSED, "c1", PL_CALL_DIRECTION_INCOMING,
                         "sip:201@pbx", "Connection reset by peer");
  g_assert_cmpint (pl_call_get_end (first), ==, PL_CALL_END_ENGINE_STOPPED);
  g_assert_cmpuint (fx->ended->len, ==, 2);
}

static void
test_transfer_creates_call (Fixture *fx, gconstpointer data)
{
  /* We were REFERred: the engine dials the target on its own. */
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_RINGING, "t1", PL_CALL_DIRECTION_OUTGOING,
                         "sip:203@pbx", NULL);
  g_assert_nonnull (pl_call_manager_find_call (fx->manager, "t1"));
  g_assert_cmpint (pl_call_get_direction (pl_call_manager_find_call (fx->manager, "t1")), ==,
                   PL_CALL_DIRECTION_OUTGOING);
  /* Media bookkeeping for unknown calls does not invent calls. */
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_MEDIA, "zz", PL_CALL_DIRECTION_INCOMING,
                         "sip:209@pbx", NULL);
  g_assert_null (pl_call_manager_find_call (fx->manager, "zz"));
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_MEDIA_RECEIVED, "zz",
                         PL_CALL_DIRECTION_INCOMING, "sip:209@pbx", "audio");
  g_assert_null (pl_call_manager_find_call (fx->manager, "zz"));
}

/* The first RTP packet marks the call: nothing else says a call that is up
 * carries anybody. */
static void
test_media_received (Fixture *fx, gconstpointer data)
{
  PlCall *call;

  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, "m1",
                         PL_CALL_DIRECTION_OUTGOING, "sip:6001@pbx", NULL);
  call = pl_call_manager_find_call (fx->manager, "m1");
  g_assert_nonnull (call);
  g_assert_false (pl_call_get_media_received (call));
  /* SDP and RTCP bookkeeping is not media. */
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_MEDIA, "m1", PL_CALL_DIRECTION_OUTGOING,
                         "sip:6001@pbx", "audio");
  g_assert_false (pl_call_get_media_received (call));
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_MEDIA_RECEIVED, "m1",
                         PL_CALL_DIRECTION_OUTGOING, "sip:6001@pbx", "audio");
  g_assert_true (pl_call_get_media_received (call));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/call-manager/dial-lifecycle", test_dial_lifecycle);
  ADD ("/call-manager/dial-errors", test_dial_errors);
  ADD ("/call-manager/dial-rejected", test_dial_rejected_by_engine);
  ADD ("/call-manager/end-classification", test_end_classification);
  ADD ("/call-manager/call-waiting", test_call_waiting);
  ADD ("/call-manager/wrong-state", test_wrong_state);
  ADD ("/call-manager/dtmf-mute-transfer", test_dtmf_mute_transfer);
  ADD ("/call-manager/engine-stops", test_engine_stops);
  ADD ("/call-manager/transfer-creates-call", test_transfer_creates_call);
  ADD ("/call-manager/media-received", test_media_received);
  return g_test_run ();
}
