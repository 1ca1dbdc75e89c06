/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Park lots and the server profiles that say how to park, retrieve and watch
 * a slot on a given PBX.
 *
 * Keyfile format (used by `parkline --provision FILE`): one group per lot,
 * named "lot NAME". Keys:
 *
 *   [lot Main]
 *   profile=asterisk          # asterisk | freepbx | freeswitch | custom
 *   park-extension=700        # REFER target when the server picks the slot
 *   first-slot=701
 *   last-slot=710
 *   timeout=45                # seconds before the PBX rings the parker back
 *   subscribe=dialog          # dialog | presence | list
 *   list-uri=sip:parkslots@{domain}   # only for subscribe=list
 *   park-uri=sip:{slot}@{domain}      # custom profile only
 *   retrieve-uri=sip:{slot}@{domain}  # custom profile only
 *   subscribe-uri=sip:{slot}@{domain} # custom profile only
 *   manager-host=pbx.example.org:5038 # Asterisk manager interface (AMI), optional
 *   manager-user=parkline             # its user (read = call is enough)
 *   manager-secret=…                  # or manager-secret-file=/path (first line)
 *   manager-tls=false                 # true: TLS, certificate checked
 *   manager-parkinglot=default        # the res_parking lot these slots belong to
 *
 * Missing keys take the profile's defaults (pl_park_lot_config_new()). URI
 * templates know two placeholders, {slot} and {domain}; anything else in
 * braces is an error. Groups not starting with "lot " are ignored, so the
 * lots can share a file with other settings. Lots naming the same manager
 * host and user share one connection. The secret is never saved with the
 * lots (pl_park_lot_configs_save): it belongs in the Secret Service. */

#define PL_PARK_PROFILE_ERROR (pl_park_profile_error_quark ())

typedef enum
{
  PL_PARK_PROFILE_ERROR_INVALID_NAME,
  PL_PARK_PROFILE_ERROR_INVALID_RANGE,
  PL_PARK_PROFILE_ERROR_OVERLAP,
  PL_PARK_PROFILE_ERROR_INVALID_TEMPLATE,
  PL_PARK_PROFILE_ERROR_INVALID_VALUE,
  PL_PARK_PROFILE_ERROR_SLOT_NOT_IN_LOT,
  PL_PARK_PROFILE_ERROR_SLOT_CHOICE_UNSUPPORTED, /* e.g. REFER to a slot on stock Asterisk */
  PL_PARK_PROFILE_ERROR_NO_PARK_EXTENSION,
  PL_PARK_PROFILE_ERROR_INVALID_MANAGER, /* a manager-* key is wrong */
} PlParkProfileError;

typedef enum
{
  PL_PARK_PROFILE_ASTERISK,
  PL_PARK_PROFILE_FREEPBX,
  PL_PARK_PROFILE_FREESWITCH,
  PL_PARK_PROFILE_CUSTOM,
} PlParkProfile;

typedef enum
{
  PL_PARK_SUBSCRIBE_DIALOG,   /* Event: dialog per slot */
  PL_PARK_SUBSCRIBE_PRESENCE, /* Event: presence per slot */
  PL_PARK_SUBSCRIBE_LIST,     /* one RFC 4662 list subscription for the lot */
} PlParkSubscribeMethod;

/* Pass as the slot to pl_park_lot_config_park_uri() to let the server choose. */
#define PL_PARK_ANY_SLOT (-1)

typedef struct
{
  char *name;
  PlParkProfile profile;
  char *park_extension; /* NULL: the profile cannot park without choosing a slot */
  int first_slot;
  int last_slot;
  guint timeout; /* seconds */
  PlParkSubscribeMethod subscribe;
  char *list_uri;           /* template, for PL_PARK_SUBSCRIBE_LIST */
  char *park_template;      /* custom profile */
  char *retrieve_template;  /* custom profile */
  char *subscribe_template; /* custom profile */
  /* The Asterisk manager interface that names parked callers; manager_host
   * NULL: none. */
  char *manager_host; /* "host:port" */
  char *manager_user;
  char *manager_secret;      /* never saved with the lots */
  char *manager_secret_file; /* a file whose first line is the secret, read at load */
  gboolean manager_tls;
  char *manager_parkinglot; /* default "default" */
} PlParkLotConfig;

GType pl_park_lot_config_get_type (void) G_GNUC_CONST;
#define PL_TYPE_PARK_LOT_CONFIG (pl_park_lot_config_get_type ())

GQuark pl_park_profile_error_quark (void);

const char *pl_park_profile_to_string (PlParkProfile profile);
gboolean pl_park_profile_from_string (const char *text, PlParkProfile *profile);
const char *pl_park_subscribe_method_to_string (PlParkSubscribeMethod method);
gboolean pl_park_subscribe_method_from_string (const char *text, PlParkSubscribeMethod *method);

/* A lot with the profile's defaults: Asterisk 700 / 701–710 / 45 s; FreePBX
 * 70 / 71–79 / 45 s; FreeSWITCH valet 6001–6099 / 60 s, no park extension;
 * custom sip:{slot}@{domain} everywhere, 701–710, 45 s. */
PlParkLotConfig *pl_park_lot_config_new (const char *name, PlParkProfile profile);
PlParkLotConfig *pl_park_lot_config_copy (const PlParkLotConfig *config);
void pl_park_lot_config_free (PlParkLotConfig *config);

gboolean pl_park_lot_config_validate (const PlParkLotConfig *config, GError **error);
/* Validates each lot and that names are unique and slot ranges disjoint. */
gboolean pl_park_lot_configs_validate (GPtrArray *configs, GError **error);
gboolean pl_park_lot_config_has_slot (const PlParkLotConfig *config, int slot);
guint pl_park_lot_config_n_slots (const PlParkLotConfig *config);

/* A template with {slot} and {domain} expanded; slot < 0 may only be used
 * with templates without {slot}. */
char *pl_park_expand_template (const char *templ, int slot, const char *domain, GError **error);
gboolean pl_park_template_validate (const char *templ, gboolean need_slot, GError **error);

/* The REFER target to park a call. slot is PL_PARK_ANY_SLOT for the park
 * extension. Asterisk refuses a specific slot: a REFER to a free slot drops
 * the caller there. */
char *pl_park_lot_config_park_uri (const PlParkLotConfig *config, int slot, const char *domain,
                                   GError **error);
/* The URI to call to pick up the call parked in slot. */
char *pl_park_lot_config_retrieve_uri (const PlParkLotConfig *config, int slot, const char *domain,
                                       GError **error);
/* The URI to SUBSCRIBE to for slot; with PL_PARK_SUBSCRIBE_LIST the list URI
 * (slot ignored). */
char *pl_park_lot_config_subscribe_uri (const PlParkLotConfig *config, int slot, const char *domain,
                                        GError **error);
/* Which slot a resource/entity URI names (user part, "park+" prefix allowed),
 * or -1 when it names none of this lot's slots. */
int pl_park_lot_config_slot_from_uri (const PlParkLotConfig *config, const char *uri);

/* "host:port" of manager-host split up (IPv6 as "[::1]:5038"); FALSE when
 * it is not of that form. */
gboolean pl_park_manager_host_parse (const char *text, char **host, guint16 *port);
/* One string per manager connection: lots with the same key share it. NULL
 * when the lot names no manager. */
char *pl_park_lot_config_dup_manager_key (const PlParkLotConfig *config);

/* Keyfile load/save in the format described above. */
GPtrArray *pl_park_lot_configs_load (GKeyFile *keyfile, GError **error);
/* Same, with the keyfile's text and file name (either may be NULL) so that
 * errors say where: "desk.conf:14: [lot Main] …". */
GPtrArray *pl_park_lot_configs_load_text (GKeyFile *keyfile, const char *text, const char *origin,
                                          GError **error);
GPtrArray *pl_park_lot_configs_load_file (const char *path, GError **error);
void pl_park_lot_configs_save (GPtrArray *configs, GKeyFile *keyfile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlParkLotConfig, pl_park_lot_config_free)

G_END_DECLS
