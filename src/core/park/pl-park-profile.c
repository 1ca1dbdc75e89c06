/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-park-profile"

#include "config.h"

#include "pl-park-profile.h"
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

gboolean
pl_park_lot_config_validate (const PlParkLotConfig *c, GError **error)
{
  g_return_val_if_fail (c != NULL, FALSE);

  if (c->name == NULL || *c->name == '\0' || strchr (c->name, '[') || strchr (c->name, ']')
      || !g_utf8_validate (c->name, -1, NULL))
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_NAME,
                   _ ("A park lot needs a name without brackets"));
      return FALSE;
    }
  if (c->first_slot < 0 || c->last_slot < c->first_slot
      || c->last_slot - c->first_slot >= MAX_SLOTS_PER_LOT)
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_RANGE,
                   _ ("Park lot “%s”: slots %d–%d are not a valid range (first ≤ last, at most %d "
                      "slots)"),
                   c->name, c->first_slot, c->last_slot, MAX_SLOTS_PER_LOT);
      return FALSE;
    }
  if (c->timeout == 0 || c->timeout > 24 * 3600)
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_VALUE,
                   _ ("Park lot “%s”: the park timeout must be between 1 s and 24 h"), c->name);
      return FALSE;
    }
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
      if (!pl_park_template_validate (c->park_template, FALSE, error)
          || !pl_park_template_validate (c->retrieve_template, TRUE, error)
          || (c->subscribe != PL_PARK_SUBSCRIBE_LIST
              && !pl_park_template_validate (c->subscribe_template, TRUE, error)))
        return FALSE;
    }
  if (c->subscribe == PL_PARK_SUBSCRIBE_LIST
      && !pl_park_template_validate (c->list_uri, FALSE, error))
    return FALSE;
  return TRUE;
}

gboolean
pl_park_lot_configs_validate (GPtrArray *configs, GError **error)
{
  g_return_val_if_fail (configs != NULL, FALSE);

  for (guint i = 0; i < configs->len; i++)
    {
      const PlParkLotConfig *a = g_ptr_array_index (configs, i);

      if (!pl_park_lot_config_validate (a, error))
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
              g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_OVERLAP,
                           _ ("Park lots “%s” and “%s” share slots"), b->name, a->name);
              return FALSE;
            }
        }
    }
  return TRUE;
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

static gboolean
read_int (GKeyFile *kf, const char *group, const char *key, int *out, GError **error)
{
  g_autoptr (GError) local = NULL;
  int v;

  if (!g_key_file_has_key (kf, group, key, NULL))
    return TRUE;
  v = g_key_file_get_integer (kf, group, key, &local);
  if (local != NULL)
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_VALUE,
                   _ ("[%s] %s: %s"), group, key, local->message);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static void
read_str (GKeyFile *kf, const char *group, const char *key, char **out)
{
  g_autofree char *v = g_key_file_get_string (kf, group, key, NULL);

  if (v != NULL)
    {
      g_free (*out);
      *out = g_strstrip (g_steal_pointer (&v));
    }
}

static PlParkLotConfig *
load_lot (GKeyFile *kf, const char *group, GError **error)
{
  g_autoptr (PlParkLotConfig) c = NULL;
  g_autofree char *profile_s = g_key_file_get_string (kf, group, "profile", NULL);
  g_autofree char *method_s = g_key_file_get_string (kf, group, "subscribe", NULL);
  PlParkProfile profile = PL_PARK_PROFILE_ASTERISK;
  int timeout;

  if (profile_s != NULL && !pl_park_profile_from_string (g_strstrip (profile_s), &profile))
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_VALUE,
                   _ ("[%s] unknown profile “%s” (asterisk, freepbx, freeswitch or custom)"), group,
                   profile_s);
      return NULL;
    }
  {
    g_autofree char *name = g_strstrip (g_strdup (group + strlen (GROUP_PREFIX)));

    c = pl_park_lot_config_new (name, profile);
  }
  if (method_s != NULL
      && !pl_park_subscribe_method_from_string (g_strstrip (method_s), &c->subscribe))
    {
      g_set_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_VALUE,
                   _ ("[%s] unknown subscribe method “%s” (dialog, presence or list)"), group,
                   method_s);
      return NULL;
    }
  timeout = (int)c->timeout;
  if (!read_int (kf, group, "first-slot", &c->first_slot, error)
      || !read_int (kf, group, "last-slot", &c->last_slot, error)
      || !read_int (kf, group, "timeout", &timeout, error))
    return NULL;
  c->timeout = timeout > 0 ? (guint)timeout : 0;
  read_str (kf, group, "park-extension", &c->park_extension);
  if (c->park_extension != NULL && *c->park_extension == '\0')
    g_clear_pointer (&c->park_extension, g_free);
  read_str (kf, group, "list-uri", &c->list_uri);
  read_str (kf, group, "park-uri", &c->park_template);
  read_str (kf, group, "retrieve-uri", &c->retrieve_template);
  read_str (kf, group, "subscribe-uri", &c->subscribe_template);
  return g_steal_pointer (&c);
}

GPtrArray *
pl_park_lot_configs_load (GKeyFile *keyfile, GError **error)
{
  g_autoptr (GPtrArray) lots
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_park_lot_config_free);
  g_auto (GStrv) groups = NULL;

  g_return_val_if_fail (keyfile != NULL, NULL);
  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      PlParkLotConfig *c;

      if (!g_str_has_prefix (groups[i], GROUP_PREFIX))
        continue;
      c = load_lot (keyfile, groups[i], error);
      if (c == NULL)
        return NULL;
      g_ptr_array_add (lots, c);
    }
  if (!pl_park_lot_configs_validate (lots, error))
    return NULL;
  return g_steal_pointer (&lots);
}

GPtrArray *
pl_park_lot_configs_load_file (const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();

  g_return_val_if_fail (path != NULL, NULL);
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, error))
    return NULL;
  return pl_park_lot_configs_load (kf, error);
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
    }
}
