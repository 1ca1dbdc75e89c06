/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-dbus-service.h"
#include "pl-script-engine.h"
#include "pl-test-util.h"

typedef struct
{
  GTestDBus *bus;
  GDBusConnection *server;
  GDBusConnection *client;
  PlAccount *account;
  PlScriptEngine *engine;
  PlCallManager *manager;
  PlDBusService *service;
} Fixture;

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fx->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (fx->bus);
  fx->server = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  fx->client = pl_test_dbus_connect (fx->bus);

  fx->account = pl_account_new ("test");
  pl_account_set_user (fx->account, "100");
  pl_account_set_domain (fx->account, "pbx");
  fx->engine = pl_script_engine_new (fx->account);
  pl_engine_start (PL_ENGINE (fx->engine));
  fx->manager = pl_call_manager_new (PL_ENGINE (fx->engine));
  fx->service = pl_dbus_service_new (fx->manager);
  pl_dbus_service_export (fx->service, fx->server, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  pl_dbus_service_unexport (fx->service);
  g_assert_finalize_object (fx->service);
  g_assert_finalize_object (fx->manager);
  g_assert_finalize_object (fx->engine);
  g_assert_finalize_object (fx->account);
  g_dbus_connection_close_sync (fx->client, NULL, NULL);
  g_object_unref (fx->client);
  g_object_unref (fx->server);
  g_test_dbus_down (fx->bus);
  g_object_unref (fx->bus);
}

/* Calls a method and spins the main context until the answer is in. */
static GVariant *
call_interface (Fixture *fx, const char *interface, const char *method, GVariant *args,
                GError **error)
{
  return pl_test_dbus_call (fx->client, g_dbus_connection_get_unique_name (fx->server), interface,
                            method, args, error);
}

static GVariant *
call_method (Fixture *fx, const char *method, GVariant *args, GError **error)
{
  return call_interface (fx, "io.github.parkline.Parkline1", method, args, error);
}

static GVariant *
get_property (Fixture *fx, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) wrapped
      = call_interface (fx, "org.freedesktop.DBus.Properties", "Get",
                        g_variant_new ("(ss)", "io.github.parkline.Parkline1", name), &error);
  GVariant *value;

  g_assert_no_error (error);
  g_variant_get (wrapped, "(v)", &value);
  return value;
}

static gboolean
call_is_published_active (Fixture *fx)
{
  g_autoptr (GVariant) calls = get_property (fx, "Calls");
  g_autoptr (GVariant) first = NULL;
  const char *state;

  if (g_variant_n_children (calls) != 1)
    return FALSE;
  first = g_variant_get_child_value (calls, 0);
  g_variant_get_child (first, 2, "&s", &state);
  return g_strcmp0 (state, "active") == 0;
}

static void
test_dial_and_calls (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) calls = NULL;
  guint handle = 0;
  PlCall *call;

  reply = call_method (fx, "Dial", g_variant_new ("(s)", "201"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &handle);
  call = pl_call_manager_find_by_handle (fx->manager, handle);
  g_assert_nonnull (call);
  g_assert_cmpstr (pl_call_get_peer_uri (call), ==, "sip:201@pbx");
  g_assert_true (PL_TEST_WAIT (pl_script_engine_get_log (fx->engine)->len == 1, 2000));
  g_assert_cmpstr (g_ptr_array_index (pl_script_engine_get_log (fx->engine), 0), ==,
                   "dial - sip:201@pbx");

  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, "c1",
                         PL_CALL_DIRECTION_OUTGOING, "sip:201@pbx", NULL);
  /* The skeleton publishes property changes from an idle. */
  g_assert_true (PL_TEST_WAIT (call_is_published_active (fx), 2000));
  calls = get_property (fx, "Calls");
  g_assert_cmpuint (g_variant_n_children (calls), ==, 1);
  {
    guint32 listed_handle;
    const char *id, *state, *direction, *uri, *name;
    guint64 started;
    g_variant_get_child (calls, 0, "(u&s&s&s&s&st)", &listed_handle, &id, &state, &direction, &uri,
                         &name, &started);
    g_assert_cmpuint (listed_handle, ==, handle);
    g_assert_cmpstr (id, ==, "c1");
    g_assert_cmpstr (state, ==, "active");
    g_assert_cmpstr (direction, ==, "outgoing");
    g_assert_cmpstr (uri, ==, "sip:201@pbx");
  }
  {
    g_autoptr (GVariant) engine_state = get_property (fx, "EngineState");
    g_assert_cmpstr (g_variant_get_string (engine_state, NULL), ==, "running");
  }

  /* Handle 0 is the active call. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call_method (fx, "SendDtmf", g_variant_new ("(us)", 0, "5"), &error);
  g_assert_no_error (error);
  g_assert_true (PL_TEST_WAIT (pl_script_engine_get_log (fx->engine)->len == 2, 2000));
  g_assert_cmpstr (g_ptr_array_index (pl_script_engine_get_log (fx->engine), 1), ==, "dtmf c1 5");
}

static void
test_errors (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  reply = call_method (fx, "Dial", g_variant_new ("(s)", "not a number!"), &error);
  g_assert_null (reply);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "not a phone number"));
  g_clear_error (&error);

  reply = call_method (fx, "Hangup", g_variant_new ("(u)", 4242), &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_assert_cmpuint (pl_script_engine_get_log (fx->engine)->len, ==, 0);
}

static gboolean
log_has (Fixture *fx, const char *line)
{
  GPtrArray *log = pl_script_engine_get_log (fx->engine);

  for (guint i = 0; i < log->len; i++)
    if (g_strcmp0 (g_ptr_array_index (log, i), line) == 0)
      return TRUE;
  return FALSE;
}

/* ConsultTransfer holds the caller and calls the colleague; either handle
 * completes it, with one REFER carrying Replaces. */
static void
test_consult_transfer (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  guint consultation = 0;

  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_INCOMING, "c1",
                         PL_CALL_DIRECTION_INCOMING, "sip:201@pbx", NULL);
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, "c1",
                         PL_CALL_DIRECTION_INCOMING, "sip:201@pbx", NULL);
  /* Not part of a transfer yet. */
  reply = call_method (fx, "CompleteTransfer", g_variant_new ("(u)", 0), &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_clear_error (&error);

  reply = call_method (fx, "ConsultTransfer", g_variant_new ("(us)", 0, "101"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &consultation);
  g_assert_true (
      PL_TEST_WAIT (log_has (fx, "hold c1 ") && log_has (fx, "dial - sip:101@pbx"), 2000));
  g_assert_nonnull (pl_call_manager_find_by_handle (fx->manager, consultation));
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, "c2",
                         PL_CALL_DIRECTION_OUTGOING, "sip:101@pbx", NULL);
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_DIALOG, "c2", PL_CALL_DIRECTION_OUTGOING,
                         "sip:101@pbx", "mine;yours");
  g_clear_pointer (&reply, g_variant_unref);
  reply = call_method (fx, "CompleteTransfer", g_variant_new ("(u)", consultation), &error);
  g_assert_no_error (error);
  g_assert_true (PL_TEST_WAIT (
      log_has (fx, "transfer c1 <sip:101@pbx?Replaces=c2%3Bto-tag%3Dyours%3Bfrom-tag%3Dmine>"),
      2000));
  /* Completing twice is refused. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call_method (fx, "CancelTransfer", g_variant_new ("(u)", consultation), &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_FAILED);
  g_clear_error (&error);

  /* Without park lots or a pager, paging says why. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call_method (fx, "ParkAndPage", g_variant_new ("(us)", 0, ""), &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "No park lot"));
  g_clear_error (&error);
  g_clear_pointer (&reply, g_variant_unref);
  reply = call_method (fx, "EndPage", NULL, &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Paging is not available"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/dbus-service/dial-and-calls", Fixture, NULL, fixture_setup, test_dial_and_calls,
              fixture_teardown);
  g_test_add ("/dbus-service/errors", Fixture, NULL, fixture_setup, test_errors, fixture_teardown);
  g_test_add ("/dbus-service/consult-transfer", Fixture, NULL, fixture_setup, test_consult_transfer,
              fixture_teardown);
  return g_test_run ();
}
