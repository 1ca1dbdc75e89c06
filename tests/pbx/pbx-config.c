/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Config file of the test PBX (test and demo infrastructure): a GKeyFile with
 * a [pbx] group and one [user NAME] group per SIP user. */
#define G_LOG_DOMAIN "pbx-config"

#include "pbx.h"

struct pbx *pbx;

const char *
pbx_profile_name (PbxProfile p)
{
  switch (p)
    {
      case PBX_PROFILE_ASTERISK:
        return "asterisk";
      case PBX_PROFILE_FREEPBX:
        return "freepbx";
      case PBX_PROFILE_FREESWITCH:
        return "freeswitch";
      case PBX_PROFILE_IDENTITY:
        return "identity";
    }
  return "asterisk";
}

static guint
get_ms (GKeyFile *kf, const char *key_s, const char *key_ms, guint dfl_ms)
{
  g_autoptr (GError) error = NULL;
  double v;

  if (g_key_file_has_key (kf, "pbx", key_ms, NULL))
    {
      v = g_key_file_get_double (kf, "pbx", key_ms, &error);
      return error ? dfl_ms : (guint)MAX (v, 0);
    }
  if (g_key_file_has_key (kf, "pbx", key_s, NULL))
    {
      v = g_key_file_get_double (kf, "pbx", key_s, &error);
      return error ? dfl_ms : (guint)MAX (v * 1000.0, 0);
    }
  return dfl_ms;
}

static char *
get_str (GKeyFile *kf, const char *group, const char *key, const char *dfl)
{
  char *v = g_key_file_get_string (kf, group, key, NULL);
  return v ? v : g_strdup (dfl);
}

static void
ami_user_free (gpointer data)
{
  struct pbx_ami_user *u = data;
  g_free (u->name);
  g_free (u->secret);
  g_free (u);
}

/* "call,system", "all", "": does the class list grant @class? */
static bool
grants (const char *list, const char *class)
{
  g_auto (GStrv) parts = g_strsplit (list ? list : "", ",", -1);
  for (guint i = 0; parts[i]; i++)
    {
      g_strstrip (parts[i]);
      if (g_str_equal (parts[i], class) || g_str_equal (parts[i], "all"))
        return true;
    }
  return false;
}

static void
load_manager (struct pbx_config *cfg, GKeyFile *kf, char **groups)
{
  cfg->ami_system_name = get_str (kf, "manager", "systemname", "lab");
  cfg->ami_parkinglot = get_str (kf, "manager", "parkinglot", "default");
  cfg->ami_tls_pem = get_str (kf, "manager", "tls_pem", NULL);
  {
    /* manager.conf says yes/no */
    g_autofree char *stamps = get_str (kf, "manager", "timestampevents", "no");
    cfg->ami_timestamps = grants (stamps, "yes") || grants (stamps, "true");
  }
  cfg->ami_users = g_ptr_array_new_with_free_func (ami_user_free);
  for (guint i = 0; groups[i]; i++)
    {
      struct pbx_ami_user *u;
      g_autofree char *read = NULL, *write = NULL;
      if (!g_str_has_prefix (groups[i], "manager "))
        continue;
      u = g_new0 (struct pbx_ami_user, 1);
      u->name = g_strstrip (g_strdup (groups[i] + 8));
      u->secret = get_str (kf, groups[i], "secret", "");
      read = get_str (kf, groups[i], "read", "");
      write = get_str (kf, groups[i], "write", "");
      u->read_call = grants (read, "call");
      u->write_call = grants (write, "call");
      u->write_originate = grants (write, "originate");
      g_ptr_array_add (cfg->ami_users, u);
    }
}

static void
user_free (gpointer data)
{
  struct pbx_user *u = data;
  list_flush (&u->contacts);
  g_free (u->name);
  g_free (u->password);
  g_free (u->display);
  g_free (u->ext);
  g_free (u);
}

gboolean
pbx_config_load (struct pbx_config *cfg, const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_auto (GStrv) groups = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *slots = NULL;
  unsigned first = 0, last = 0;
  char prefix[32] = "";

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, error))
    return FALSE;

  profile = get_str (kf, "pbx", "profile", "asterisk");
  if (g_str_equal (profile, "asterisk"))
    cfg->profile = PBX_PROFILE_ASTERISK;
  else if (g_str_equal (profile, "freepbx"))
    cfg->profile = PBX_PROFILE_FREEPBX;
  else if (g_str_equal (profile, "freeswitch"))
    cfg->profile = PBX_PROFILE_FREESWITCH;
  else if (g_str_equal (profile, "identity"))
    cfg->profile = PBX_PROFILE_IDENTITY;
  else
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "unknown profile %s",
                   profile);
      return FALSE;
    }

  cfg->realm = get_str (kf, "pbx", "realm", "parkline-test");
  cfg->park_ext
      = get_str (kf, "pbx", "park_ext", cfg->profile == PBX_PROFILE_FREESWITCH ? "5900" : "700");
  cfg->list_name = get_str (kf, "pbx", "list_uri", "parkslots");
  cfg->moh_path = get_str (kf, "pbx", "moh", NULL);
  cfg->user_agent = get_str (kf, "pbx", "user_agent", "parkline-test-pbx");
  cfg->parkingtime_ms = get_ms (kf, "parkingtime", "parkingtime_ms", 45000);
  cfg->comebackdialtime_ms = get_ms (kf, "comebackdialtime", "comebackdialtime_ms", 30000);
  cfg->announce_delay_ms = get_ms (kf, "announce_delay", "announce_delay_ms", 2600);
  cfg->invalid_delay_ms = get_ms (kf, "invalid_delay", "invalid_delay_ms", 4960);
  cfg->parker_bye_ms = get_ms (kf, "parker_bye_after", "parker_bye_after_ms", 60000);
  cfg->ring_timeout_ms = get_ms (kf, "ring_timeout", "ring_timeout_ms", 30000);
  cfg->retrieve_race_ms = get_ms (kf, "retrieve_race", "retrieve_race_ms", 1000);

  slots = get_str (kf, "pbx", "slots",
                   cfg->profile == PBX_PROFILE_FREESWITCH ? "6001-6010" : "701-710");
  if (sscanf (slots, "%u-%u", &first, &last) != 2 || last < first || last - first > 200)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "slots must look like 701-710, not %s", slots);
      return FALSE;
    }
  (void)prefix;
  cfg->n_slots = last - first + 1;
  cfg->slots = g_new0 (char *, cfg->n_slots + 1);
  for (guint i = 0; i < cfg->n_slots; i++)
    cfg->slots[i] = g_strdup_printf ("%u", first + i);

  cfg->users = g_ptr_array_new_with_free_func (user_free);
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i]; i++)
    {
      struct pbx_user *u;
      if (!g_str_has_prefix (groups[i], "user "))
        continue;
      u = g_new0 (struct pbx_user, 1);
      u->name = g_strstrip (g_strdup (groups[i] + 5));
      u->password = get_str (kf, groups[i], "password", "");
      u->display = get_str (kf, groups[i], "display", u->name);
      u->ext = get_str (kf, groups[i], "ext", u->name);
      list_init (&u->contacts);
      g_ptr_array_add (cfg->users, u);
    }
  load_manager (cfg, kf, groups);
  return TRUE;
}

void
pbx_config_clear (struct pbx_config *cfg)
{
  g_clear_pointer (&cfg->realm, g_free);
  g_clear_pointer (&cfg->park_ext, g_free);
  g_clear_pointer (&cfg->list_name, g_free);
  g_clear_pointer (&cfg->moh_path, g_free);
  g_clear_pointer (&cfg->user_agent, g_free);
  g_clear_pointer (&cfg->slots, g_strfreev);
  g_clear_pointer (&cfg->users, g_ptr_array_unref);
  g_clear_pointer (&cfg->ami_users, g_ptr_array_unref);
  g_clear_pointer (&cfg->ami_system_name, g_free);
  g_clear_pointer (&cfg->ami_parkinglot, g_free);
  g_clear_pointer (&cfg->ami_tls_pem, g_free);
}

struct pbx_user *
pbx_user_by_name (const char *name)
{
  for (guint i = 0; name && i < pbx->cfg.users->len; i++)
    {
      struct pbx_user *u = g_ptr_array_index (pbx->cfg.users, i);
      if (g_str_equal (u->name, name))
        return u;
    }
  return NULL;
}

struct pbx_user *
pbx_user_by_ext (const char *ext)
{
  for (guint i = 0; ext && i < pbx->cfg.users->len; i++)
    {
      struct pbx_user *u = g_ptr_array_index (pbx->cfg.users, i);
      if (g_str_equal (u->ext, ext) || g_str_equal (u->name, ext))
        return u;
    }
  return NULL;
}

struct pbx_user *
pbx_user_by_pl (const struct pl *pl)
{
  g_autofree char *s = g_strndup (pl->p, pl->l);
  return pbx_user_by_ext (s);
}
