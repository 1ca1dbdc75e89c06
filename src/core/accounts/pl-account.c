/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-account"

#include "config.h"

#include <string.h>

#include "pl-account.h"
#include "pl-enums.h"
#include "pl-util.h"

struct _PlAccount
{
  GObject parent_instance;

  char *id;
  char *display_name;
  char *user;
  char *domain;
  char *auth_user;
  PlTransport transport;
  char *outbound_proxy;
  char *password;
  PlRegistrationState registration_state;
  char *registration_error;
};

G_DEFINE_FINAL_TYPE (PlAccount, pl_account, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_USER,
  PROP_DOMAIN,
  PROP_AUTH_USER,
  PROP_TRANSPORT,
  PROP_OUTBOUND_PROXY,
  PROP_REGISTRATION_STATE,
  PROP_REGISTRATION_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pl_account_finalize (GObject *object)
{
  PlAccount *self = PL_ACCOUNT (object);

  g_free (self->id);
  g_free (self->display_name);
  g_free (self->user);
  g_free (self->domain);
  g_free (self->auth_user);
  g_free (self->outbound_proxy);
  if (self->password)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_free (self->registration_error);

  G_OBJECT_CLASS (pl_account_parent_class)->finalize (object);
}

static void
pl_account_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlAccount *self = PL_ACCOUNT (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_DISPLAY_NAME:
        g_value_set_string (value, self->display_name);
        break;
      case PROP_USER:
        g_value_set_string (value, self->user);
        break;
      case PROP_DOMAIN:
        g_value_set_string (value, self->domain);
        break;
      case PROP_AUTH_USER:
        g_value_set_string (value, self->auth_user);
        break;
      case PROP_TRANSPORT:
        g_value_set_enum (value, self->transport);
        break;
      case PROP_OUTBOUND_PROXY:
        g_value_set_string (value, self->outbound_proxy);
        break;
      case PROP_REGISTRATION_STATE:
        g_value_set_enum (value, self->registration_state);
        break;
      case PROP_REGISTRATION_ERROR:
        g_value_set_string (value, self->registration_error);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_account_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PlAccount *self = PL_ACCOUNT (object);

  switch (prop_id)
    {
      case PROP_ID:
        self->id = g_value_dup_string (value);
        break;
      case PROP_DISPLAY_NAME:
        pl_account_set_display_name (self, g_value_get_string (value));
        break;
      case PROP_USER:
        pl_account_set_user (self, g_value_get_string (value));
        break;
      case PROP_DOMAIN:
        pl_account_set_domain (self, g_value_get_string (value));
        break;
      case PROP_AUTH_USER:
        pl_account_set_auth_user (self, g_value_get_string (value));
        break;
      case PROP_TRANSPORT:
        pl_account_set_transport (self, g_value_get_enum (value));
        break;
      case PROP_OUTBOUND_PROXY:
        pl_account_set_outbound_proxy (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_account_class_init (PlAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pl_account_finalize;
  object_class->get_property = pl_account_get_property;
  object_class->set_property = pl_account_set_property;

  properties[PROP_ID] = g_param_spec_string (
      "id", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, "", rw);
  properties[PROP_USER] = g_param_spec_string ("user", NULL, NULL, "", rw);
  properties[PROP_DOMAIN] = g_param_spec_string ("domain", NULL, NULL, "", rw);
  properties[PROP_AUTH_USER] = g_param_spec_string ("auth-user", NULL, NULL, "", rw);
  properties[PROP_TRANSPORT]
      = g_param_spec_enum ("transport", NULL, NULL, PL_TYPE_TRANSPORT, PL_TRANSPORT_UDP, rw);
  properties[PROP_OUTBOUND_PROXY] = g_param_spec_string ("outbound-proxy", NULL, NULL, "", rw);
  properties[PROP_REGISTRATION_STATE] = g_param_spec_enum (
      "registration-state", NULL, NULL, PL_TYPE_REGISTRATION_STATE, PL_REGISTRATION_NONE, ro);
  properties[PROP_REGISTRATION_ERROR]
      = g_param_spec_string ("registration-error", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pl_account_init (PlAccount *self)
{
  self->display_name = g_strdup ("");
  self->user = g_strdup ("");
  self->domain = g_strdup ("");
  self->auth_user = g_strdup ("");
  self->outbound_proxy = g_strdup ("");
}

PlAccount *
pl_account_new (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);
  return g_object_new (PL_TYPE_ACCOUNT, "id", id, NULL);
}

const char *
pl_account_get_id (PlAccount *self)
{
  g_return_val_if_fail (PL_IS_ACCOUNT (self), NULL);
  return self->id;
}

#define STRING_ACCESSORS(field, prop)                                                              \
  const char *pl_account_get_##field (PlAccount *self)                                             \
  {                                                                                                \
    g_return_val_if_fail (PL_IS_ACCOUNT (self), NULL);                                             \
    return self->field;                                                                            \
  }                                                                                                \
  void pl_account_set_##field (PlAccount *self, const char *value)                                 \
  {                                                                                                \
    g_return_if_fail (PL_IS_ACCOUNT (self));                                                       \
    if (pl_set_str (&self->field, value ? value : ""))                                             \
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);                                \
  }

STRING_ACCESSORS (display_name, PROP_DISPLAY_NAME)
STRING_ACCESSORS (user, PROP_USER)
STRING_ACCESSORS (domain, PROP_DOMAIN)
STRING_ACCESSORS (auth_user, PROP_AUTH_USER)
STRING_ACCESSORS (outbound_proxy, PROP_OUTBOUND_PROXY)

PlTransport
pl_account_get_transport (PlAccount *self)
{
  g_return_val_if_fail (PL_IS_ACCOUNT (self), PL_TRANSPORT_UDP);
  return self->transport;
}

void
pl_account_set_transport (PlAccount *self, PlTransport value)
{
  g_return_if_fail (PL_IS_ACCOUNT (self));
  if (self->transport == value)
    return;
  self->transport = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSPORT]);
}

const char *
pl_account_get_password (PlAccount *self)
{
  g_return_val_if_fail (PL_IS_ACCOUNT (self), NULL);
  return self->password;
}

void
pl_account_set_password (PlAccount *self, const char *value)
{
  g_return_if_fail (PL_IS_ACCOUNT (self));
  if (self->password)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (value);
}

char *
pl_account_dup_aor (PlAccount *self)
{
  g_return_val_if_fail (PL_IS_ACCOUNT (self), NULL);
  return g_strdup_printf ("sip:%s@%s", self->user, self->domain);
}

gboolean
pl_account_is_complete (PlAccount *self)
{
  g_return_val_if_fail (PL_IS_ACCOUNT (self), FALSE);
  return *self->user != '\0' && *self->domain != '\0';
}

PlRegistrationState
pl_account_get_registration_state (PlAccount *self)
{
  g_return_val_if_fail (PL_IS_ACCOUNT (self), PL_REGISTRATION_NONE);
  return self->registration_state;
}

const char *
pl_account_get_registration_error (PlAccount *self)
{
  g_return_val_if_fail (PL_IS_ACCOUNT (self), NULL);
  return self->registration_error;
}

void
pl_account_set_registration (PlAccount *self, PlRegistrationState state, const char *error)
{
  g_return_if_fail (PL_IS_ACCOUNT (self));

  if (pl_set_str (&self->registration_error, error))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTRATION_ERROR]);
  if (self->registration_state != state)
    {
      self->registration_state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTRATION_STATE]);
    }
}

const char *
pl_transport_to_string (PlTransport transport)
{
  switch (transport)
    {
      case PL_TRANSPORT_TCP:
        return "tcp";
      case PL_TRANSPORT_TLS:
        return "tls";
      case PL_TRANSPORT_UDP:
      default:
        return "udp";
    }
}

gboolean
pl_transport_from_string (const char *text, PlTransport *transport)
{
  static const char *const names[] = { "udp", "tcp", "tls" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (text && g_ascii_strcasecmp (text, names[i]) == 0)
      {
        *transport = (PlTransport)i;
        return TRUE;
      }
  return FALSE;
}
