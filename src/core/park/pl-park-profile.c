/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-park-profile"

#include "config.h"

#include "pl-keyfile.h"
#include "pl-park-profile.h"
#include "pl-sip-uri.h"
#include "pl-quark.h"

#include <glib/gi18n-lib.h>
#include <string.h>

PL_DEFINE_QUARK ("pl-park-profile-error-quark", pl_park_profile_error)
G_DEFINE_BOXED_TYPE (PlParkLotConfig, pl_park_lot_config, pl_park_lot_config_copy,
                     pl_park_lot_config_free)

/* Slot numbers are dialled digits; a range bigger than this is a typo. */
#define MAX_SLOTS_PER_LOT 1000

static const char *const profile_names[] = {
  [PL_PARK_PROFILE_ASTERISK] = "asterisk",
  [PL_PARK_PROFILE_FREEPBX] = "freepbx",
  [PL_PARK_PROFILE_FREESWITCH] = "freeswitch",
  [PL_PARK_PROFILE_CUSTOM] = "custom",
};

static const char *const method_names[] = {
  [PL_PARK_SUBSCRIBE_DIALOG] = "dialog",
  [PL_PARK_SUBSCRIBE_PRESENCE] = "presence",
  [PL_PARK_SUBSCRIBE_LIST] = "list",
};

const char *
pl_park_profile_to_string (PlParkProfile profile)
{
  g_return_val_if_fail ((guint)profile < G_N_ELEMENTS (profile_names), NULL);
  return profile_names[profile];
}

gboolean
pl_park_profile_from_string (const char *text, PlParkProfile *profile)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (profile_names); i++)
    if (g_ascii_strcasecmp (text, profile_names[i]) == 0)
      {
        *profile = (PlParkProfile)i;
        return TRUE;
      }
  return FALSE;
}

const char *
pl_park_subscribe_method_to_string (PlParkSubscribeMethod method)
{
  g_return_val_if_fail ((guint)method < G_N_ELEMENTS (method_names), NULL);
  return method_names[method];
}

gboolean
pl_park_subscribe_method_from_string (const char *text, PlParkSubscribeMethod *method)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (method_names); i++)
    if (g_ascii_strcasecmp (text, method_names[i]) == 0)
      {
        *method = (PlParkSubscribeMethod)i;
        return TRUE;
      }
  return FALSE;
}

PlParkLotConfig *
pl_park_lot_config_new (const char *name, PlParkProfile profile)
{
  PlParkLotConfig *c = g_new0 (PlParkLotConfig, 1);

  c->name = g_strdup (name);
  c->profile = profile;
  c->manager_parkinglot = g_strdup ("default");
  c->subscribe = PL_PARK_SUBSCRIBE_DIALOG;
  c->timeout = 45;
  switch (profile)
    {
      case PL_PARK_PROFILE_ASTERISK:
        c->park_extension = g_strdup ("700");
        c->first_slot = 701;
        c->last_slot = 710;
        break;
      case PL_PARK_PROFILE_FREEPBX:
        c->park_extension = g_strdup ("70");
        c->first_slot = 71;
        c->last_slot = 79;
        break;
      case PL_PARK_PROFILE_FREESWITCH:
        c->first_slot = 6001;
        c->last_slot = 6099;
        c->timeout = 60;
        break;
      case PL_PARK_PROFILE_CUSTOM:
      default:
        c->first_slot = 701;
        c->last_slot = 710;
        c->park_template = g_strdup ("sip:{slot}@{domain}");
        c->retrieve_template = g_strdup ("sip:{slot}@{domain}");
        c->subscribe_template = g_strdup ("sip:{slot}@{domain}");
        break;
    }
  return c;
}

PlParkLotConfig *
pl_park_lot_config_copy (const PlParkLotConfig *config)
{
  PlParkLotConfig *c;

  g_return_val_if_fail (config != NULL, NULL);
  c = g_memdup2 (config, sizeof *config);
  c->name = g_strdup (config->name);
  c->park_extension = g_strdup (config->park_extension);
  c->list_uri = g_strdup (config->list_uri);
  c->park_template = g_strdup (config->park_template);
  c->retrieve_template = g_strdup (config->retrieve_template);
  c->subscribe_template = g_strdup (config->subscribe_template);
  c->page_target = g_strdup (config->page_target);
  c->manager_host = g_strdup (config->manager_host);
  c->manager_user = g_strdup (config->manager_user);
  c->manager_secret = g_strdup (config->manager_secret);
  c->manager_secret_file = g_strdup (config->manager_secret_file);
  c->manager_parkinglot = g_strdup (config->manager_parkinglot);
  return c;
}

void
pl_park_lot_config_free (PlParkLotConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->name);
  g_free (config->park_extension);
  g_free (config->list_uri);
  g_free (config->park_template);
  g_free (config->retrieve_template);
  g_free (config->subscribe_template);
  g_free (config->page_target);
  g_free (config->manager_host);
  g_free (config->manager_user);
  if (config->manager_secret)
    memset (config->manager_secret, 0, strlen (config->manager_secret));
  g_free (config->manager_secret);
  g_free (config->manager_secret_file);
  g_free (config->manager_parkinglot);
  g_free (config);
}

/* Characters allowed in the user part we put into a URI: RFC 3261
 * unreserved plus the user-unreserved marks PBXs use in feature codes; no
 * ';', '?' or '#', which would smuggle parameters or headers into a REFER. */
static gboolean
user_part_is_valid (const char *user)
{
  if (user == NULL || *user == '\0')
    return FALSE;
  for (const char *p = user; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-_.!~*'()&=+$,", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
domain_is_valid (const char *domain)
{
  if (domain == NULL || *domain == '\0')
    return FALSE;
  for (const char *p = domain; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-.:[]", *p) == NULL)
      return FALSE;
  return TRUE;
}

gboolean
pl_park_template_validate (const char *templ, gboolean need_slot, GError **error)
{
  gboolean has_slot = FALSE;
  const char *p;

  if (templ == NULL
      || (g_ascii_strncasecmp (templ, "sip:", 4) != 0
          && g_ascii_strncasecmp (templ, "sips:", 5) != 0))
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_TEMPLATE,
                   _ ("URI template “%s” must start with sip: or sips:"), templ ? templ : "");
      return FALSE;
    }
  for (p = templ; *p != '\0'; p++)
    {
      /* Control characters would reach the engine's command line. */
      if (*p == '}' || g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || *p == '<' || *p == '>'
          || *p == '"')
        {
          g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_TEMPLATE,
                       _ ("URI template “%s” contains an invalid character"), templ);
          return FALSE;
        }
      if (*p != '{')
        continue;
      if (g_str_has_prefix (p, "{slot}"))
        {
          has_slot = TRUE;
          p += strlen ("{slot}") - 1;
        }
      else if (g_str_has_prefix (p, "{domain}"))
        p += strlen ("{domain}") - 1;
      else
        {
          g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_TEMPLATE,
                       _ ("URI template “%s” has an unknown placeholder; use {slot} or {domain}"),
                       templ);
          return FALSE;
        }
    }
  if (need_slot && !has_slot)
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_TEMPLATE,
                   _ ("URI template “%s” needs a {slot} placeholder"), templ);
      return FALSE;
    }
  return TRUE;
}

char *
pl_park_expand_template (const char *templ, int slot, const char *domain, GError **error)
{
  g_autoptr (GString) out = NULL;

  if (!pl_park_template_validate (templ, FALSE, error))
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = templ; *p != '\0'; p++)
    {
      if (g_str_has_prefix (p, "{slot}"))
        {
          if (slot < 0)
            {
              g_set_error (error, PL_PARK_PROFILE_ERROR,
                           PL_PARK_PROFILE_ERROR_SLOT_CHOICE_UNSUPPORTED,
                           _ ("URI template “%s” needs a slot number"), templ);
              return NULL;
            }
          g_string_append_printf (out, "%d", slot);
          p += strlen ("{slot}") - 1;
        }
      else if (g_str_has_prefix (p, "{domain}"))
        {
          if (!domain_is_valid (domain))
            {
              g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_VALUE,
                           _ ("“%s” is not a valid SIP domain"), domain ? domain : "");
              return NULL;
            }
          g_string_append (out, domain);
          p += strlen ("{domain}") - 1;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
pl_park_lot_config_has_slot (const PlParkLotConfig *config, int slot)
{
  g_return_val_if_fail (config != NULL, FALSE);
  return slot >= config->first_slot && slot <= config->last_slot;
}

guint
pl_park_lot_config_n_slots (const PlParkLotConfig *config)
{
  g_return_val_if_fail (config != NULL, 0);
  if (config->last_slot < config->first_slot)
    return 0;
  return (guint)(config->last_slot - config->first_slot + 1);
}

/* Park & Page dials the target right after a park: a slot of the lot
 * would pick the caller up again, the park extension would park the pager. */
static gboolean
validate_page_target (const PlParkLotConfig *c, const char **bad_key, GError **error)
{
  const char *target = c->page_target;
  char *end = NULL;
  gint64 number;

  if (target == NULL || *target == '\0')
    return TRUE;
  *bad_key = "page-target";
  if (g_ascii_strncasecmp (target, "sip:", 4) == 0 || g_ascii_strncasecmp (target, "sips:", 5) == 0)
    {
      /* Headers (?…) would travel into the INVITE: not for a page. */
      if (!pl_sip_uri_is_valid (target) || strchr (target, '?') != NULL)
        {
          g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_PAGE_TARGET,
                       _ ("Park lot “%s”: “%s” is not a valid page target (a number or a SIP "
                          "address)"),
                       c->name, target);
          return FALSE;
        }
      return TRUE;
    }
  if (!user_part_is_valid (target))
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_PAGE_TARGET,
                   _ ("Park lot “%s”: “%s” is not a valid page target (a number or a SIP "
                      "address)"),
                   c->name, target);
      return FALSE;
    }
  number = g_ascii_strtoll (target, &end, 10);
  if ((end != NULL && *end == '\0' && number >= c->first_slot && number <= c->last_slot)
      || g_strcmp0 (target, c->park_extension) == 0)
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_PAGE_TARGET,
                   _ ("Park lot “%s”: the page target %s is a slot or the park extension"), c->name,
                   target);
      return FALSE;
    }
  return TRUE;
}

/* Control characters would end an AMI line early: whatever follows would
 * become a header of its own. */
static gboolean
has_control_chars (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar)*p < 0x20 || *p == 0x7f)
      return TRUE;
  return FALSE;
}

gboolean
pl_park_manager_host_parse (const char *text, char **host_out, guint16 *port_out)
{
  const char *colon;
  g_autofree char *host = NULL;
  guint64 port;

  if (text == NULL || *text == '\0')
    return FALSE;
  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL || close == text + 1 || close[1] != ':')
        return FALSE;
      for (const char *p = text + 1; p < close; p++)
        if (!g_ascii_isxdigit (*p) && *p != ':' && *p != '.')
          return FALSE;
      host = g_strndup (text + 1, close - text - 1);
      colon = close + 1;
    }
  else
    {
      colon = strrchr (text, ':');
      if (colon == NULL || colon == text)
        return FALSE;
      for (const char *p = text; p < colon; p++)
        if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
          return FALSE;
      host = g_strndup (text, colon - text);
    }
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
    return FALSE;
  if (host_out)
    *host_out = g_steal_pointer (&host);
  if (port_out)
    *port_out = (guint16)port;
  return TRUE;
}

char *
pl_park_lot_config_dup_manager_key (const PlParkLotConfig *c)
{
  g_return_val_if_fail (c != NULL, NULL);
  if (c->manager_host == NULL)
    return NULL;
  return g_strdup_printf ("%s@%s%s", c->manager_user ? c->manager_user : "", c->manager_host,
                          c->manager_tls ? " tls" : "");
}

static gboolean
validate_manager (const PlParkLotConfig *c, const char **bad_key, GError **error)
{
  if (c->manager_host == NULL)
    {
      *bad_key = c->manager_user          ? "manager-user"
                 : c->manager_secret_file ? "manager-secret-file"
                 : c->manager_secret      ? "manager-secret"
                                          : NULL;
      if (*bad_key == NULL)
        return TRUE;
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_MANAGER,
                   _ ("Park lot “%s”: %s needs manager-host"), c->name, *bad_key);
      return FALSE;
    }
  *bad_key = "manager-host";
  if (!pl_park_manager_host_parse (c->manager_host, NULL, NULL))
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_MANAGER,
                   _ ("Park lot “%s”: the manager host “%s” must be host:port, e.g. "
                      "pbx.example.org:5038"),
                   c->name, c->manager_host);
      return FALSE;
    }
  *bad_key = "manager-user";
  if (c->manager_user == NULL || *c->manager_user == '\0' || has_control_chars (c->manager_user)
      || !g_utf8_validate (c->manager_user, -1, NULL))
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_MANAGER,
                   _ ("Park lot “%s”: enter the manager user, without control characters"),
                   c->name);
      return FALSE;
    }
  *bad_key = c->manager_secret_file ? "manager-secret-file" : "manager-secret";
  if (c->manager_secret != NULL
      && (has_control_chars (c->manager_secret) || !g_utf8_validate (c->manager_secret, -1, NULL)))
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_MANAGER,
                   _ ("Park lot “%s”: the manager secret must not contain control characters"),
                   c->name);
      return FALSE;
    }
  *bad_key = "manager-parkinglot";
  if (c->manager_parkinglot == NULL || *c->manager_parkinglot == '\0'
      || has_control_chars (c->manager_parkinglot))
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_MANAGER,
                   _ ("Park lot “%s”: name the manager’s parking lot (usually “default”)"),
                   c->name);
      return FALSE;
    }
  *bad_key = NULL;
  return TRUE;
}

/* bad_key: the keyfile key the error is about (NULL: the lot as a whole). */
static gboolean
validate_lot (const PlParkLotConfig *c, const char **bad_key, GError **error)
{
  *bad_key = NULL;

  if (c->name == NULL || *c->name == '\0' || strchr (c->name, '[') || strchr (c->name, ']')
      || !g_utf8_validate (c->name, -1, NULL))
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_NAME,
                   _ ("A park lot needs a name without brackets"));
      return FALSE;
    }
  *bad_key = c->first_slot < 0 ? "first-slot" : "last-slot";
  if (c->first_slot < 0 || c->last_slot < c->first_slot
      || c->last_slot - c->first_slot >= MAX_SLOTS_PER_LOT)
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_RANGE,
                   _ ("Park lot “%s”: slots %d–%d are not a valid range (first ≤ last, at most %d "
                      "slots)"),
                   c->name, c->first_slot, c->last_slot, MAX_SLOTS_PER_LOT);
      return FALSE;
    }
  *bad_key = "timeout";
  if (c->timeout == 0 || c->timeout > 24 * 3600)
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_VALUE,
                   _ ("Park lot “%s”: the park timeout must be between 1 s and 24 h"), c->name);
      return FALSE;
    }
  *bad_key = "park-extension";
  if (c->park_extension != NULL && *c->park_extension != '\0')
    {
      char *end = NULL;
      gint64 ext;

      if (!user_part_is_valid (c->park_extension))
        {
          g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_VALUE,
                       _ ("Park lot “%s”: “%s” is not a valid park extension"), c->name,
                       c->park_extension);
          return FALSE;
        }
      /* Parking by calling a slot of the same lot would drop the caller on
       * Asterisk: refuse the overlap. */
      ext = g_ascii_strtoll (c->park_extension, &end, 10);
      if (end != NULL && *end == '\0' && ext >= c->first_slot && ext <= c->last_slot)
        {
          g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_OVERLAP,
                       _ ("Park lot “%s”: the park extension %s is one of its slots"), c->name,
                       c->park_extension);
          return FALSE;
        }
    }
  else if (c->profile == PL_PARK_PROFILE_ASTERISK)
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_NO_PARK_EXTENSION,
                   _ ("Park lot “%s”: Asterisk parks only through the park extension"), c->name);
      return FALSE;
    }
  if (c->profile == PL_PARK_PROFILE_CUSTOM)
    {
      *bad_key = "park-uri";
      if (!pl_park_template_validate (c->park_template, FALSE, error))
        return FALSE;
      *bad_key = "retrieve-uri";
      if (!pl_park_template_validate (c->retrieve_template, TRUE, error))
        return FALSE;
      *bad_key = "subscribe-uri";
      if (c->subscribe != PL_PARK_SUBSCRIBE_LIST
          && !pl_park_template_validate (c->subscribe_template, TRUE, error))
        return FALSE;
    }
  *bad_key = "list-uri";
  if (c->subscribe == PL_PARK_SUBSCRIBE_LIST
      && !pl_park_template_validate (c->list_uri, FALSE, error))
    return FALSE;
  if (!validate_manager (c, bad_key, error))
    return FALSE;
  return validate_page_target (c, bad_key, error);
}

gboolean
pl_park_lot_config_validate (const PlParkLotConfig *c, GError **error)
{
  const char *bad_key;

  g_return_val_if_fail (c != NULL, FALSE);
  return validate_lot (c, &bad_key, error);
}

/* Validates every lot and the lots together; *bad_index and *bad_key say
 * which lot and key the error is about. */
static gboolean
validate_all (GPtrArray *configs, guint *bad_index, const char **bad_key, GError **error)
{
  for (guint i = 0; i < configs->len; i++)
    {
      const PlParkLotConfig *a = g_ptr_array_index (configs, i);

      *bad_index = i;
      if (!validate_lot (a, bad_key, error))
        return FALSE;
      for (guint j = 0; j < i; j++)
        {
          const PlParkLotConfig *b = g_ptr_array_index (configs, j);

          if (g_strcmp0 (a->name, b->name) == 0)
            {
              g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_NAME,
                           _ ("Two park lots are named “%s”"), a->name);
              return FALSE;
            }
          if (a->first_slot <= b->last_slot && b->first_slot <= a->last_slot)
            {
              *bad_key = "first-slot";
              g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_OVERLAP,
                           _ ("Park lots “%s” and “%s” share slots"), b->name, a->name);
              return FALSE;
            }
        }
    }
  return TRUE;
}

gboolean
pl_park_lot_configs_validate (GPtrArray *configs, GError **error)
{
  guint bad_index;
  const char *bad_key;

  g_return_val_if_fail (configs != NULL, FALSE);
  return validate_all (configs, &bad_index, &bad_key, error);
}

static gboolean
check_slot (const PlParkLotConfig *c, int slot, GError **error)
{
  if (!pl_park_lot_config_has_slot (c, slot))
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_SLOT_NOT_IN_LOT,
                   _ ("Slot %d is not in park lot “%s” (%d–%d)"), slot, c->name, c->first_slot,
                   c->last_slot);
      return FALSE;
    }
  return TRUE;
}

char *
pl_park_lot_config_park_uri (const PlParkLotConfig *c, int slot, const char *domain, GError **error)
{
  g_autofree char *user_templ = NULL;

  g_return_val_if_fail (c != NULL, NULL);

  if (slot != PL_PARK_ANY_SLOT && !check_slot (c, slot, error))
    return NULL;
  if (c->profile == PL_PARK_PROFILE_CUSTOM)
    return pl_park_expand_template (c->park_template, slot, domain, error);

  if (slot == PL_PARK_ANY_SLOT)
    {
      if (c->park_extension == NULL || *c->park_extension == '\0')
        {
          g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_NO_PARK_EXTENSION,
                       _ ("Park lot “%s” has no park extension: choose a slot"), c->name);
          return NULL;
        }
      user_templ = g_strdup_printf ("sip:%s@{domain}", c->park_extension);
      return pl_park_expand_template (user_templ, slot, domain, error);
    }
  if (c->profile == PL_PARK_PROFILE_ASTERISK)
    {
      /* res_parking answers a REFER to a free slot with "invalid parking
       * space" and hangs up on the caller. */
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_SLOT_CHOICE_UNSUPPORTED,
                   _ ("Asterisk chooses the slot: park through extension %s"), c->park_extension);
      return NULL;
    }
  return pl_park_expand_template ("sip:{slot}@{domain}", slot, domain, error);
}

char *
pl_park_lot_config_retrieve_uri (const PlParkLotConfig *c, int slot, const char *domain,
                                 GError **error)
{
  g_return_val_if_fail (c != NULL, NULL);

  if (!check_slot (c, slot, error))
    return NULL;
  if (c->profile == PL_PARK_PROFILE_CUSTOM)
    return pl_park_expand_template (c->retrieve_template, slot, domain, error);
  return pl_park_expand_template ("sip:{slot}@{domain}", slot, domain, error);
}

char *
pl_park_lot_config_subscribe_uri (const PlParkLotConfig *c, int slot, const char *domain,
                                  GError **error)
{
  g_return_val_if_fail (c != NULL, NULL);

  if (c->subscribe == PL_PARK_SUBSCRIBE_LIST)
    return pl_park_expand_template (c->list_uri, PL_PARK_ANY_SLOT, domain, error);
  if (!check_slot (c, slot, error))
    return NULL;
  switch (c->profile)
    {
      case PL_PARK_PROFILE_CUSTOM:
        return pl_park_expand_template (c->subscribe_template, slot, domain, error);
      case PL_PARK_PROFILE_FREESWITCH:
        /* a plain slot subscription gets one empty NOTIFY and nothing more */
        return pl_park_expand_template ("sip:park+{slot}@{domain}", slot, domain, error);
      case PL_PARK_PROFILE_ASTERISK:
      case PL_PARK_PROFILE_FREEPBX:
      default:
        return pl_park_expand_template ("sip:{slot}@{domain}", slot, domain, error);
    }
}

char *
pl_park_lot_config_page_uri (const PlParkLotConfig *c, const char *domain, GError **error)
{
  g_autofree char *templ = NULL;
  const char *bad_key;

  g_return_val_if_fail (c != NULL, NULL);

  if (c->page_target == NULL || *c->page_target == '\0')
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_NO_PAGE_TARGET,
                   _ ("Park lot “%s” has no page target: set one in Preferences"), c->name);
      return NULL;
    }
  if (!validate_page_target (c, &bad_key, error))
    return NULL;
  if (strchr (c->page_target, ':') != NULL)
    return g_strdup (c->page_target);
  templ = g_strdup_printf ("sip:%s@{domain}", c->page_target);
  return pl_park_expand_template (templ, PL_PARK_ANY_SLOT, domain, error);
}

int
pl_park_lot_config_slot_from_uri (const PlParkLotConfig *c, const char *uri)
{
  const char *user;
  gsize len;
  g_autofree char *digits = NULL;
  guint64 v;

  g_return_val_if_fail (c != NULL, -1);
  if (uri == NULL)
    return -1;
  user = uri;
  if (*user == '<')
    user++;
  if (g_ascii_strncasecmp (user, "sip:", 4) == 0)
    user += 4;
  else if (g_ascii_strncasecmp (user, "sips:", 5) == 0)
    user += 5;
  len = strcspn (user, "@;>?");
  /* FreeSWITCH names slots park+6001; a custom template may add any prefix,
   * so take the trailing digits of the user part. */
  if (len == 0 || !g_ascii_isdigit (user[len - 1]))
    return -1;
  {
    gsize start = len;

    while (start > 0 && g_ascii_isdigit (user[start - 1]))
      start--;
    digits = g_strndup (user + start, len - start);
  }
  if (!g_ascii_string_to_unsigned (digits, 10, 0, G_MAXINT, &v, NULL))
    return -1;
  return pl_park_lot_config_has_slot (c, (int)v) ? (int)v : -1;
}

/* ---- keyfile -------------------------------------------------------------- */

#define GROUP_PREFIX "lot "

/* Where the keyfile came from, to point errors at their line. */
typedef struct
{
  GKeyFile *kf;
  const char *text;
  const char *origin;
} Source;

/* Sets a "[group] key: …" error at the key's line; returns FALSE. */
static gboolean fail_at (const Source *src, const char *group, const char *key, GError **error,
                         const char *format, ...) G_GNUC_PRINTF (5, 6);

static gboolean
fail_at (const Source *src, const char *group, const char *key, GError **error, const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (key != NULL)
    g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_VALUE, "[%s] %s: %s",
                 group, key, message);
  else
    g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_VALUE, "[%s] %s",
                 group, message);
  pl_keyfile_prefix_error (error, src->text, src->origin, group, key);
  return FALSE;
}

static gboolean
read_int (const Source *src, const char *group, const char *key, int *out, GError **error)
{
  g_autoptr (GError) local = NULL;
  int v;

  if (!g_key_file_has_key (src->kf, group, key, NULL))
    return TRUE;
  v = g_key_file_get_integer (src->kf, group, key, &local);
  if (local != NULL)
    return fail_at (src, group, key, error, "%s", local->message);
  *out = v;
  return TRUE;
}

static void
read_str (const Source *src, const char *group, const char *key, char **out)
{
  g_autofree char *v = pl_keyfile_get_string (src->kf, group, key);

  if (v != NULL)
    {
      g_free (*out);
      *out = g_strstrip (g_steal_pointer (&v));
    }
}

/* Like read_str, but an empty value means "not set". */
static void
read_optional (const Source *src, const char *group, const char *key, char **out)
{
  read_str (src, group, key, out);
  if (*out != NULL && **out == '\0')
    g_clear_pointer (out, g_free);
}

static char *
read_first_line (const char *path, GError **error)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  contents[strcspn (contents, "\r\n")] = '\0';
  return g_steal_pointer (&contents);
}

static gboolean
load_manager (const Source *src, const char *group, PlParkLotConfig *c, GError **error)
{
  g_autoptr (GError) local = NULL;

  read_optional (src, group, "manager-host", &c->manager_host);
  read_optional (src, group, "manager-user", &c->manager_user);
  read_optional (src, group, "manager-secret-file", &c->manager_secret_file);
  read_str (src, group, "manager-parkinglot", &c->manager_parkinglot);
  /* The secret is taken as written: spaces may be part of it. */
  if (g_key_file_has_key (src->kf, group, "manager-secret", NULL))
    {
      g_free (c->manager_secret);
      c->manager_secret = pl_keyfile_get_string (src->kf, group, "manager-secret");
      if (c->manager_secret_file != NULL)
        return fail_at (src, group, "manager-secret-file", error,
                        _ ("give either manager-secret or manager-secret-file, not both"));
    }
  if (g_key_file_has_key (src->kf, group, "manager-tls", NULL))
    {
      c->manager_tls = g_key_file_get_boolean (src->kf, group, "manager-tls", &local);
      if (local != NULL)
        return fail_at (src, group, "manager-tls", error, _ ("use true or false"));
    }
  if (c->manager_secret_file != NULL)
    {
      g_free (c->manager_secret);
      c->manager_secret = read_first_line (c->manager_secret_file, &local);
      if (c->manager_secret == NULL)
        return fail_at (src, group, "manager-secret-file", error, "%s", local->message);
    }
  return TRUE;
}

static PlParkLotConfig *
load_lot (const Source *src, const char *group, GError **error)
{
  g_autoptr (PlParkLotConfig) c = NULL;
  g_autofree char *profile_s = pl_keyfile_get_string (src->kf, group, "profile");
  g_autofree char *method_s = pl_keyfile_get_string (src->kf, group, "subscribe");
  PlParkProfile profile = PL_PARK_PROFILE_ASTERISK;
  int timeout;

  if (profile_s != NULL && !pl_park_profile_from_string (g_strstrip (profile_s), &profile))
    {
      fail_at (src, group, "profile", error,
               _ ("unknown profile “%s” (asterisk, freepbx, freeswitch or custom)"), profile_s);
      return NULL;
    }
  {
    g_autofree char *name = g_strstrip (g_strdup (group + strlen (GROUP_PREFIX)));

    c = pl_park_lot_config_new (name, profile);
  }
  if (method_s != NULL
      && !pl_park_subscribe_method_from_string (g_strstrip (method_s), &c->subscribe))
    {
      fail_at (src, group, "subscribe", error,
               _ ("unknown subscribe method “%s” (dialog, presence or list)"), method_s);
      return NULL;
    }
  timeout = (int)c->timeout;
  if (!read_int (src, group, "first-slot", &c->first_slot, error)
      || !read_int (src, group, "last-slot", &c->last_slot, error)
      || !read_int (src, group, "timeout", &timeout, error))
    return NULL;
  c->timeout = timeout > 0 ? (guint)timeout : 0;
  read_optional (src, group, "park-extension", &c->park_extension);
  read_str (src, group, "list-uri", &c->list_uri);
  read_str (src, group, "park-uri", &c->park_template);
  read_str (src, group, "retrieve-uri", &c->retrieve_template);
  read_str (src, group, "subscribe-uri", &c->subscribe_template);
  if (!load_manager (src, group, c, error))
    return NULL;
  /* Park & Page */
  read_optional (src, group, "page-target", &c->page_target);
  if (g_key_file_has_key (src->kf, group, "page-spoken", NULL))
    {
      g_autoptr (GError) local = NULL;

      c->page_spoken = g_key_file_get_boolean (src->kf, group, "page-spoken", &local);
      if (local != NULL)
        {
          fail_at (src, group, "page-spoken", error, _ ("use true or false"));
          return NULL;
        }
    }
  return g_steal_pointer (&c);
}

GPtrArray *
pl_park_lot_configs_load_text (GKeyFile *keyfile, const char *text, const char *origin,
                               GError **error)
{
  g_autoptr (GPtrArray) lots
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_park_lot_config_free);
  g_autoptr (GPtrArray) groups_of_lots = g_ptr_array_new ();
  g_auto (GStrv) groups = NULL;
  Source src = { keyfile, text, origin };
  guint bad_index;
  const char *bad_key;

  g_return_val_if_fail (keyfile != NULL, NULL);
  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      PlParkLotConfig *c;

      if (!g_str_has_prefix (groups[i], GROUP_PREFIX))
        continue;
      c = load_lot (&src, groups[i], error);
      if (c == NULL)
        return NULL;
      g_ptr_array_add (lots, c);
      g_ptr_array_add (groups_of_lots, groups[i]);
    }
  if (!validate_all (lots, &bad_index, &bad_key, error))
    {
      pl_keyfile_prefix_error (error, text, origin, g_ptr_array_index (groups_of_lots, bad_index),
                               bad_key);
      return NULL;
    }
  return g_steal_pointer (&lots);
}

GPtrArray *
pl_park_lot_configs_load (GKeyFile *keyfile, GError **error)
{
  return pl_park_lot_configs_load_text (keyfile, NULL, NULL, error);
}

GPtrArray *
pl_park_lot_configs_load_file (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GKeyFile) kf = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  kf = pl_keyfile_load (path, &text, error);
  if (kf == NULL)
    return NULL;
  return pl_park_lot_configs_load_text (kf, text, path, error);
}

void
pl_park_lot_configs_save (GPtrArray *configs, GKeyFile *kf)
{
  g_return_if_fail (configs != NULL && kf != NULL);

  for (guint i = 0; i < configs->len; i++)
    {
      const PlParkLotConfig *c = g_ptr_array_index (configs, i);
      g_autofree char *group = g_strconcat (GROUP_PREFIX, c->name, NULL);

      g_key_file_remove_group (kf, group, NULL);
      g_key_file_set_string (kf, group, "profile", pl_park_profile_to_string (c->profile));
      /* Written even when there is none: a missing key would load back as
       * the profile's default extension. */
      g_key_file_set_string (kf, group, "park-extension",
                             c->park_extension != NULL ? c->park_extension : "");
      g_key_file_set_integer (kf, group, "first-slot", c->first_slot);
      g_key_file_set_integer (kf, group, "last-slot", c->last_slot);
      g_key_file_set_integer (kf, group, "timeout", (int)c->timeout);
      g_key_file_set_string (kf, group, "subscribe",
                             pl_park_subscribe_method_to_string (c->subscribe));
      if (c->list_uri != NULL)
        g_key_file_set_string (kf, group, "list-uri", c->list_uri);
      if (c->profile == PL_PARK_PROFILE_CUSTOM)
        {
          if (c->park_template != NULL)
            g_key_file_set_string (kf, group, "park-uri", c->park_template);
          if (c->retrieve_template != NULL)
            g_key_file_set_string (kf, group, "retrieve-uri", c->retrieve_template);
          if (c->subscribe_template != NULL)
            g_key_file_set_string (kf, group, "subscribe-uri", c->subscribe_template);
        }
      /* Never manager-secret: these lots go to GSettings, the secret to the
       * Secret Service. */
      if (c->manager_host != NULL)
        {
          g_key_file_set_string (kf, group, "manager-host", c->manager_host);
          if (c->manager_user != NULL)
            g_key_file_set_string (kf, group, "manager-user", c->manager_user);
          if (c->manager_secret_file != NULL)
            g_key_file_set_string (kf, group, "manager-secret-file", c->manager_secret_file);
          g_key_file_set_boolean (kf, group, "manager-tls", c->manager_tls);
          g_key_file_set_string (kf, group, "manager-parkinglot", c->manager_parkinglot);
        }
      /* Park & Page */
      if (c->page_target != NULL)
        g_key_file_set_string (kf, group, "page-target", c->page_target);
      if (c->page_spoken)
        g_key_file_set_boolean (kf, group, "page-spoken", TRUE);
    }
}
