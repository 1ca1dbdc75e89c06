/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-dbus-service"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pl-dbus-generated.h"
#include "pl-dbus-service.h"

struct _PlDBusService
{
  GObject parent_instance;

  PlCallManager *manager;
  PlParkService *park;
  PlDBusParkline1 *skeleton;
  guint slots_idle;
};

G_DEFINE_FINAL_TYPE (PlDBusService, pl_dbus_service, G_TYPE_OBJECT)

static const char *const state_names[] = {
  [PL_CALL_STATE_INCOMING] = "incoming", [PL_CALL_STATE_DIALING] = "dialing",
  [PL_CALL_STATE_RINGING] = "ringing",   [PL_CALL_STATE_ACTIVE] = "active",
  [PL_CALL_STATE_HELD] = "held",         [PL_CALL_STATE_ENDED] = "ended",
};

static const char *const engine_state_names[] = {
  [PL_ENGINE_STATE_STOPPED] = "stopped", [PL_ENGINE_STATE_STARTING] = "starting",
  [PL_ENGINE_STATE_RUNNING] = "running", [PL_ENGINE_STATE_RESTARTING] = "restarting",
  [PL_ENGINE_STATE_FAILED] = "failed",
};

static const char *const registration_names[] = {
  [PL_REGISTRATION_NONE] = "none",
  [PL_REGISTRATION_REGISTERING] = "registering",
  [PL_REGISTRATION_REGISTERED] = "registered",
  [PL_REGISTRATION_FAILED] = "failed",
};

static const char *const server_state_names[] = {
  [PL_SERVER_STATE_UNKNOWN] = "unknown",
  [PL_SERVER_STATE_ANSWERING] = "answering",
  [PL_SERVER_STATE_NOT_ANSWERING] = "not-answering",
};

static void
publish_calls (PlDBusService *self)
{
  GListModel *calls = pl_call_manager_get_calls (self->manager);
  guint n = g_list_model_get_n_items (calls);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ussssst)"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (calls, i);
      const char *name = pl_call_get_peer_name (call);

      g_variant_builder_add (
          &builder, "(ussssst)", pl_call_get_handle (call),
          pl_call_get_id (call) ? pl_call_get_id (call) : "", state_names[pl_call_get_state (call)],
          pl_call_get_direction (call) == PL_CALL_DIRECTION_INCOMING ? "incoming" : "outgoing",
          pl_call_get_peer_uri (call) ? pl_call_get_peer_uri (call) : "", name ? name : "",
          (guint64)pl_call_get_started (call));
    }
  pl_dbus_parkline1_set_calls (self->skeleton, g_variant_builder_end (&builder));
}

static void
publish_engine (PlDBusService *self)
{
  PlEngine *engine = pl_call_manager_get_engine (self->manager);
  PlAccount *account = pl_engine_get_account (engine);

  pl_dbus_parkline1_set_engine_state (self->skeleton,
                                      engine_state_names[pl_engine_get_state (engine)]);
  pl_dbus_parkline1_set_registration_state (
      self->skeleton, registration_names[account ? pl_account_get_registration_state (account)
                                                 : PL_REGISTRATION_NONE]);
}

static void
on_call_changed (PlCall *call, GParamSpec *pspec, PlDBusService *self)
{
  publish_calls (self);
}

static void
on_calls_changed (GListModel *calls, guint position, guint removed, guint added,
                  PlDBusService *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (calls, i);
      g_signal_connect_object (call, "notify::state", G_CALLBACK (on_call_changed), self, 0);
      g_signal_connect_object (call, "notify::id", G_CALLBACK (on_call_changed), self, 0);
      g_signal_connect_object (call, "notify::peer-name", G_CALLBACK (on_call_changed), self, 0);
    }
  publish_calls (self);
}

static void
on_engine_changed (GObject *object, GParamSpec *pspec, PlDBusService *self)
{
  publish_engine (self);
}

static void
on_account_changed (PlEngine *engine, GParamSpec *pspec, PlDBusService *self)
{
  PlAccount *account = pl_engine_get_account (engine);

  if (account)
    g_signal_connect_object (account, "notify::registration-state", G_CALLBACK (on_engine_changed),
                             self, 0);
  publish_engine (self);
}

/* Handle 0 is the active call, so scripts need not track handles. */
static PlCall *
resolve_call (PlDBusService *self, GDBusMethodInvocation *invocation, guint handle)
{
  PlCall *call = handle == 0 ? pl_call_manager_get_active_call (self->manager)
                             : pl_call_manager_find_by_handle (self->manager, handle);

  if (call == NULL)
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                           _ ("There is no call with handle %u"), handle);
  return call;
}

static gboolean
finish (GDBusMethodInvocation *invocation, gboolean ok, GError *error)
{
  if (ok)
    g_dbus_method_invocation_return_value (invocation, NULL);
  else
    g_dbus_method_invocation_return_error_literal (invocation, G_DBUS_ERROR, G_DBUS_ERROR_FAILED,
                                                   error->message);
  g_clear_error (&error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_dial (PlDBusParkline1 *skeleton, GDBusMethodInvocation *invocation, const char *input,
             PlDBusService *self)
{
  g_autoptr (GError) error = NULL;
  PlCall *call = pl_call_manager_dial (self->manager, input, &error);

  if (call == NULL)
    return finish (invocation, FALSE, g_steal_pointer (&error));
  pl_dbus_parkline1_complete_dial (skeleton, invocation, pl_call_get_handle (call));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

typedef gboolean (*CallVerb) (PlCallManager *manager, PlCall *call, GError **error);

/* The call-only methods share one shape: resolve the handle, run the verb. */
static gboolean
run_verb (PlDBusService *self, GDBusMethodInvocation *invocation, guint handle, CallVerb verb)
{
  GError *error = NULL;
  PlCall *call = resolve_call (self, invocation, handle);
  gboolean ok;

  if (call == NULL)
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  ok = verb (self->manager, call, &error);
  return finish (invocation, ok, error);
}

#define CALL_METHOD(name, verb)                                                                    \
  static gboolean handle_##name (PlDBusParkline1 *skeleton, GDBusMethodInvocation *invocation,     \
                                 guint handle, PlDBusService *self)                                \
  {                                                                                                \
    return run_verb (self, invocation, handle, verb);                                              \
  }

CALL_METHOD (answer, pl_call_manager_answer)
CALL_METHOD (decline, pl_call_manager_decline)
CALL_METHOD (hangup, pl_call_manager_hangup)
CALL_METHOD (hold, pl_call_manager_hold)
CALL_METHOD (resume, pl_call_manager_resume)

static gboolean
handle_transfer (PlDBusParkline1 *skeleton, GDBusMethodInvocation *invocation, guint handle,
                 const char *target, PlDBusService *self)
{
  GError *error = NULL;
  PlCall *call = resolve_call (self, invocation, handle);

  if (call == NULL)
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  gboolean ok = pl_call_manager_transfer (self->manager, call, target, &error);
  return finish (invocation, ok, error);
}

static gboolean
handle_send_dtmf (PlDBusParkline1 *skeleton, GDBusMethodInvocation *invocation, guint handle,
                  const char *digits, PlDBusService *self)
{
  GError *error = NULL;
  PlCall *call = resolve_call (self, invocation, handle);

  if (call == NULL)
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  gboolean ok = pl_call_manager_send_dtmf (self->manager, call, digits, &error);
  return finish (invocation, ok, error);
}

static const char *const slot_state_names[] = {
  [PL_PARK_SLOT_FREE] = "free",         [PL_PARK_SLOT_PARKING] = "parking",
  [PL_PARK_SLOT_OCCUPIED] = "occupied", [PL_PARK_SLOT_RETURNING] = "returning",
  [PL_PARK_SLOT_STALE] = "stale",
};

static const char *const identity_source_names[] = {
  [PL_PARK_IDENTITY_UNKNOWN] = "unknown",
  [PL_PARK_IDENTITY_OWN_CALL] = "own-call",
  [PL_PARK_IDENTITY_SERVER] = "server",
  [PL_PARK_IDENTITY_FEED] = "feed",
};

static void
add_string (GVariantBuilder *dict, const char *key, const char *value)
{
  if (value != NULL)
    g_variant_builder_add (dict, "{sv}", key, g_variant_new_string (value));
}

/* One SlotDetails entry: everything known about the slot, by name, so new
 * facts can come without breaking clients. */
static GVariant *
slot_details (PlParkLot *lot, PlParkSlot *slot, gint64 now)
{
  GVariantBuilder dict;
  gint64 since = pl_park_slot_get_parked_since (slot);
  gint64 remaining = pl_park_slot_get_remaining (slot, now);

  g_variant_builder_init (&dict, G_VARIANT_TYPE_VARDICT);
  add_string (&dict, "state", slot_state_names[pl_park_slot_get_state (slot)]);
  add_string (&dict, "identity-source",
              identity_source_names[pl_park_slot_get_identity_source (slot)]);
  add_string (&dict, "caller-name", pl_park_slot_get_caller_name (slot));
  add_string (&dict, "caller-uri", pl_park_slot_get_caller_uri (slot));
  add_string (&dict, "parked-by", pl_park_slot_get_parked_by (slot));
  g_variant_builder_add (&dict, "{sv}", "parked-by-me",
                         g_variant_new_boolean (pl_park_slot_get_parked_by_me (slot)));
  if (since > 0)
    g_variant_builder_add (&dict, "{sv}", "parked-since", g_variant_new_int64 (since));
  if (remaining >= 0)
    g_variant_builder_add (&dict, "{sv}", "seconds-left", g_variant_new_int64 (remaining));
  add_string (&dict, "taken-by", pl_park_slot_get_taken_by (slot));
  add_string (&dict, "ended-note", pl_park_slot_get_ended_note (slot));
  return g_variant_new ("(si@a{sv})", pl_park_lot_get_name (lot), pl_park_slot_get_number (slot),
                        g_variant_builder_end (&dict));
}

static gboolean
publish_slots (gpointer user_data)
{
  PlDBusService *self = user_data;
  GVariantBuilder builder;
  GVariantBuilder details;
  GListModel *lots = self->park ? pl_park_service_get_lots (self->park) : NULL;
  guint n_lots = lots ? g_list_model_get_n_items (lots) : 0;
  gint64 now = g_get_real_time ();

  self->slots_idle = 0;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sisssxxb)"));
  g_variant_builder_init (&details, G_VARIANT_TYPE ("a(sia{sv})"));
  for (guint i = 0; i < n_lots; i++)
    {
      g_autoptr (PlParkLot) lot = g_list_model_get_item (lots, i);
      guint n_slots = g_list_model_get_n_items (G_LIST_MODEL (lot));

      for (guint j = 0; j < n_slots; j++)
        {
          g_autoptr (PlParkSlot) slot = g_list_model_get_item (G_LIST_MODEL (lot), j);
          const char *name = pl_park_slot_get_caller_name (slot);
          const char *uri = pl_park_slot_get_caller_uri (slot);

          g_variant_builder_add (
              &builder, "(sisssxxb)", pl_park_lot_get_name (lot), pl_park_slot_get_number (slot),
              slot_state_names[pl_park_slot_get_state (slot)], name ? name : "", uri ? uri : "",
              pl_park_slot_get_parked_since (slot), pl_park_slot_get_remaining (slot, now),
              pl_park_slot_get_parked_by_me (slot));
          g_variant_builder_add_value (&details, slot_details (lot, slot, now));
        }
    }
  pl_dbus_parkline1_set_slots (self->skeleton, g_variant_builder_end (&builder));
  pl_dbus_parkline1_set_slot_details (self->skeleton, g_variant_builder_end (&details));
  return G_SOURCE_REMOVE;
}

/* Slot changes come in bursts (a full NOTIFY touches every slot): publish
 * once per burst. */
static void
queue_publish_slots (PlDBusService *self)
{
  if (self->slots_idle == 0)
    self->slots_idle = g_idle_add (publish_slots, self);
}

static void
on_slot_changed (PlDBusService *self)
{
  queue_publish_slots (self);
}

static void
on_lot_items_changed (GListModel *lot, guint position, guint removed, guint added,
                      PlDBusService *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (PlParkSlot) slot = g_list_model_get_item (lot, i);
      g_signal_connect_object (slot, "notify", G_CALLBACK (on_slot_changed), self,
                               G_CONNECT_SWAPPED);
    }
  queue_publish_slots (self);
}

static void
on_lots_changed (GListModel *lots, guint position, guint removed, guint added, PlDBusService *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (GListModel) lot = g_list_model_get_item (lots, i);
      g_signal_connect_object (lot, "items-changed", G_CALLBACK (on_lot_items_changed), self, 0);
      on_lot_items_changed (lot, 0, 0, g_list_model_get_n_items (lot), self);
    }
  queue_publish_slots (self);
}

/* "701" is the first lot's slot 701; "front:701" names the lot. */
static gboolean
parse_slot (PlDBusService *self, const char *text, PlParkLot **lot, int *slot, GError **error)
{
  const char *colon = strchr (text, ':');
  g_autofree char *lot_name = colon ? g_strndup (text, (gsize)(colon - text)) : NULL;
  const char *number = colon ? colon + 1 : text;
  guint64 value;

  *lot = self->park ? pl_park_service_find_lot (self->park, lot_name) : NULL;
  if (*lot == NULL)
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, _ ("No park lot “%s”"),
                   lot_name ? lot_name : "");
      return FALSE;
    }
  if (*number == '\0' && colon == NULL)
    {
      *slot = PL_PARK_ANY_SLOT;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (number, 10, 0, G_MAXINT, &value, NULL))
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, _ ("“%s” is not a slot number"),
                   text);
      return FALSE;
    }
  *slot = (int)value;
  return TRUE;
}

static gboolean
handle_park (PlDBusParkline1 *skeleton, GDBusMethodInvocation *invocation, guint handle,
             const char *slot_text, PlDBusService *self)
{
  GError *error = NULL;
  PlCall *call = resolve_call (self, invocation, handle);
  PlParkLot *lot;
  int slot;

  if (call == NULL)
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  if (!parse_slot (self, slot_text, &lot, &slot, &error))
    return finish (invocation, FALSE, error);
  gboolean ok = pl_park_service_park (self->park, call, lot, slot, &error);
  return finish (invocation, ok, error);
}

static gboolean
handle_retrieve (PlDBusParkline1 *skeleton, GDBusMethodInvocation *invocation,
                 const char *slot_text, PlDBusService *self)
{
  GError *error = NULL;
  PlParkLot *lot;
  PlCall *call;
  int slot;

  if (!parse_slot (self, slot_text, &lot, &slot, &error))
    return finish (invocation, FALSE, error);
  if (slot == PL_PARK_ANY_SLOT)
    return finish (invocation, FALSE,
                   g_error_new_literal (G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                        _ ("Name the slot to retrieve")));
  call = pl_park_service_retrieve (self->park, lot, slot, &error);
  if (call == NULL)
    return finish (invocation, FALSE, error);
  pl_dbus_parkline1_complete_retrieve (skeleton, invocation, pl_call_get_handle (call));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
publish_server_state (PlDBusService *self)
{
  pl_dbus_parkline1_set_server_state (
      self->skeleton, server_state_names[pl_park_service_get_server_state (self->park)]);
}

void
pl_dbus_service_set_park_service (PlDBusService *self, PlParkService *park)
{
  GListModel *lots;

  g_return_if_fail (PL_IS_DBUS_SERVICE (self));
  g_return_if_fail (PL_IS_PARK_SERVICE (park));

  g_set_object (&self->park, park);
  lots = pl_park_service_get_lots (park);
  g_signal_connect_object (lots, "items-changed", G_CALLBACK (on_lots_changed), self, 0);
  on_lots_changed (lots, 0, 0, g_list_model_get_n_items (lots), self);
  g_signal_connect_object (park, "notify::server-state", G_CALLBACK (publish_server_state), self,
                           G_CONNECT_SWAPPED);
  publish_server_state (self);
}

static void
pl_dbus_service_dispose (GObject *object)
{
  PlDBusService *self = PL_DBUS_SERVICE (object);

  g_clear_handle_id (&self->slots_idle, g_source_remove);
  g_clear_object (&self->park);
  if (self->skeleton)
    pl_dbus_service_unexport (self);
  g_clear_object (&self->skeleton);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (pl_dbus_service_parent_class)->dispose (object);
}

static void
pl_dbus_service_class_init (PlDBusServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pl_dbus_service_dispose;
}

static void
pl_dbus_service_init (PlDBusService *self)
{
  self->skeleton = pl_dbus_parkline1_skeleton_new ();
}

PlDBusService *
pl_dbus_service_new (PlCallManager *manager)
{
  PlDBusService *self;
  PlEngine *engine;

  g_return_val_if_fail (PL_IS_CALL_MANAGER (manager), NULL);

  self = g_object_new (PL_TYPE_DBUS_SERVICE, NULL);
  self->manager = g_object_ref (manager);
  engine = pl_call_manager_get_engine (manager);

  g_signal_connect_object (self->skeleton, "handle-dial", G_CALLBACK (handle_dial), self, 0);
  g_signal_connect_object (self->skeleton, "handle-answer", G_CALLBACK (handle_answer), self, 0);
  g_signal_connect_object (self->skeleton, "handle-decline", G_CALLBACK (handle_decline), self, 0);
  g_signal_connect_object (self->skeleton, "handle-hangup", G_CALLBACK (handle_hangup), self, 0);
  g_signal_connect_object (self->skeleton, "handle-hold", G_CALLBACK (handle_hold), self, 0);
  g_signal_connect_object (self->skeleton, "handle-resume", G_CALLBACK (handle_resume), self, 0);
  g_signal_connect_object (self->skeleton, "handle-transfer", G_CALLBACK (handle_transfer), self,
                           0);
  g_signal_connect_object (self->skeleton, "handle-send-dtmf", G_CALLBACK (handle_send_dtmf), self,
                           0);
  g_signal_connect_object (self->skeleton, "handle-park", G_CALLBACK (handle_park), self, 0);
  g_signal_connect_object (self->skeleton, "handle-retrieve", G_CALLBACK (handle_retrieve), self,
                           0);

  g_signal_connect_object (pl_call_manager_get_calls (manager), "items-changed",
                           G_CALLBACK (on_calls_changed), self, 0);
  g_signal_connect_object (engine, "notify::state", G_CALLBACK (on_engine_changed), self, 0);
  g_signal_connect_object (engine, "notify::account", G_CALLBACK (on_account_changed), self, 0);
  on_account_changed (engine, NULL, self);
  publish_calls (self);
  return self;
}

gboolean
pl_dbus_service_export (PlDBusService *self, GDBusConnection *connection, const char *object_path,
                        GError **error)
{
  g_return_val_if_fail (PL_IS_DBUS_SERVICE (self), FALSE);
  return g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton), connection,
                                           object_path ? object_path : PL_DBUS_OBJECT_PATH, error);
}

void
pl_dbus_service_unexport (PlDBusService *self)
{
  g_return_if_fail (PL_IS_DBUS_SERVICE (self));
  if (g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (self->skeleton)))
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
}
