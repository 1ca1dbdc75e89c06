/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-park-profile.h"
#include "pl-test-util.h"

#define D "127.0.0.1:5080"

typedef enum
{
  PARK,
  RETRIEVE,
  SUBSCRIBE,
} UriKind;

typedef struct
{
  PlParkProfile profile;
  PlParkSubscribeMethod method;
  UriKind kind;
  int slot;
  const char *expected; /* NULL: error expected */
  int error_code;
} UriCase;

static const UriCase uri_cases[] = {
  /* Asterisk: park only through 700, never REFER to a slot */
  { PL_PARK_PROFILE_ASTERISK, PL_PARK_SUBSCRIBE_DIALOG, PARK, PL_PARK_ANY_SLOT, "sip:700@" D },
  { PL_PARK_PROFILE_ASTERISK, PL_PARK_SUBSCRIBE_DIALOG, PARK, 701, NULL,
    PL_PARK_PROFILE_ERROR_SLOT_CHOICE_UNSUPPORTED },
  { PL_PARK_PROFILE_ASTERISK, PL_PARK_SUBSCRIBE_DIALOG, PARK, 799, NULL,
    PL_PARK_PROFILE_ERROR_SLOT_NOT_IN_LOT },
  { PL_PARK_PROFILE_ASTERISK, PL_PARK_SUBSCRIBE_DIALOG, RETRIEVE, 701, "sip:701@" D },
  { PL_PARK_PROFILE_ASTERISK, PL_PARK_SUBSCRIBE_DIALOG, RETRIEVE, 700, NULL,
    PL_PARK_PROFILE_ERROR_SLOT_NOT_IN_LOT },
  { PL_PARK_PROFILE_ASTERISK, PL_PARK_SUBSCRIBE_DIALOG, SUBSCRIBE, 701, "sip:701@" D },
  { PL_PARK_PROFILE_ASTERISK, PL_PARK_SUBSCRIBE_PRESENCE, SUBSCRIBE, 710, "sip:710@" D },
  { PL_PARK_PROFILE_ASTERISK, PL_PARK_SUBSCRIBE_DIALOG, SUBSCRIBE, 711, NULL,
    PL_PARK_PROFILE_ERROR_SLOT_NOT_IN_LOT },
  { PL_PARK_PROFILE_ASTERISK, PL_PARK_SUBSCRIBE_LIST, SUBSCRIBE, PL_PARK_ANY_SLOT,
    "sip:parkslots@" D },
  /* FreePBX: a REFER to a slot parks there; 70 lets the server choose */
  { PL_PARK_PROFILE_FREEPBX, PL_PARK_SUBSCRIBE_DIALOG, PARK, 72, "sip:72@" D },
  { PL_PARK_PROFILE_FREEPBX, PL_PARK_SUBSCRIBE_DIALOG, PARK, PL_PARK_ANY_SLOT, "sip:70@" D },
  { PL_PARK_PROFILE_FREEPBX, PL_PARK_SUBSCRIBE_DIALOG, RETRIEVE, 72, "sip:72@" D },
  { PL_PARK_PROFILE_FREEPBX, PL_PARK_SUBSCRIBE_DIALOG, SUBSCRIBE, 79, "sip:79@" D },
  /* FreeSWITCH valet: watch park+<slot>, park and retrieve on the slot */
  { PL_PARK_PROFILE_FREESWITCH, PL_PARK_SUBSCRIBE_DIALOG, SUBSCRIBE, 6001, "sip:park+6001@" D },
  { PL_PARK_PROFILE_FREESWITCH, PL_PARK_SUBSCRIBE_PRESENCE, SUBSCRIBE, 6099, "sip:park+6099@" D },
  { PL_PARK_PROFILE_FREESWITCH, PL_PARK_SUBSCRIBE_DIALOG, PARK, 6001, "sip:6001@" D },
  { PL_PARK_PROFILE_FREESWITCH, PL_PARK_SUBSCRIBE_DIALOG, PARK, PL_PARK_ANY_SLOT, NULL,
    PL_PARK_PROFILE_ERROR_NO_PARK_EXTENSION },
  { PL_PARK_PROFILE_FREESWITCH, PL_PARK_SUBSCRIBE_DIALOG, RETRIEVE, 6001, "sip:6001@" D },
  /* Custom: templates (set in test_uris) */
  { PL_PARK_PROFILE_CUSTOM, PL_PARK_SUBSCRIBE_DIALOG, PARK, 705, "sip:*59705@" D },
  { PL_PARK_PROFILE_CUSTOM, PL_PARK_SUBSCRIBE_DIALOG, PARK, PL_PARK_ANY_SLOT, NULL,
    PL_PARK_PROFILE_ERROR_SLOT_CHOICE_UNSUPPORTED },
  { PL_PARK_PROFILE_CUSTOM, PL_PARK_SUBSCRIBE_DIALOG, RETRIEVE, 705, "sips:705@" D ";x=y" },
  { PL_PARK_PROFILE_CUSTOM, PL_PARK_SUBSCRIBE_DIALOG, SUBSCRIBE, 705, "sip:park+705@" D },
};

static void
test_uris (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (uri_cases); i++)
    {
      const UriCase *c = &uri_cases[i];
      g_autoptr (PlParkLotConfig) lot = pl_park_lot_config_new ("Main", c->profile);
      g_autoptr (GError) error = NULL;
      g_autofree char *uri = NULL;

      g_test_message ("case %u", i);
      lot->subscribe = c->method;
      if (c->method == PL_PARK_SUBSCRIBE_LIST)
        lot->list_uri = g_strdup ("sip:parkslots@{domain}");
      if (c->profile == PL_PARK_PROFILE_CUSTOM)
        {
          g_free (lot->park_template);
          g_free (lot->retrieve_template);
          g_free (lot->subscribe_template);
          lot->park_template = g_strdup ("sip:*59{slot}@{domain}");
          lot->retrieve_template = g_strdup ("sips:{slot}@{domain};x=y");
          lot->subscribe_template = g_strdup ("sip:park+{slot}@{domain}");
        }
      g_assert_true (pl_park_lot_config_validate (lot, NULL));
      switch (c->kind)
        {
          case PARK:
            uri = pl_park_lot_config_park_uri (lot, c->slot, D, &error);
            break;
          case RETRIEVE:
            uri = pl_park_lot_config_retrieve_uri (lot, c->slot, D, &error);
            break;
          case SUBSCRIBE:
          default:
            uri = pl_park_lot_config_subscribe_uri (lot, c->slot, D, &error);
            break;
        }
      if (c->expected != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (uri, ==, c->expected);
        }
      else
        {
          g_assert_null (uri);
          g_assert_error (error, PL_PARK_PROFILE_ERROR, c->error_code);
        }
    }
}

typedef struct
{
  const char *templ;
  gboolean need_slot;
  gboolean valid;
} TemplateCase;

static const TemplateCase template_cases[] = {
  { "sip:{slot}@{domain}", TRUE, TRUE },
  { "sip:700@{domain}", FALSE, TRUE },
  { "sip:700@{domain}", TRUE, FALSE },
  { "SIPS:{slot}@pbx.example.org", TRUE, TRUE },
  { "tel:{slot}", TRUE, FALSE },
  { "{slot}@{domain}", TRUE, FALSE },
  { "sip:{lot}@{domain}", FALSE, FALSE },
  { "sip:{slot@{domain}", TRUE, FALSE },
  { "sip:slot}@{domain}", TRUE, FALSE },
  { "sip:{slot} @{domain}", TRUE, FALSE },
  { "sip:<{slot}>@x", TRUE, FALSE },
  { "sip:[z\0221]:5070", FALSE, FALSE }, /* found by fuzz-sip-uri */
  { "sip:{slot}\x7f@{domain}", TRUE, FALSE },
  { "", FALSE, FALSE },
  { NULL, FALSE, FALSE },
};

static void
test_templates (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (template_cases); i++)
    {
      const TemplateCase *c = &template_cases[i];
      g_autoptr (GError) error = NULL;
      gboolean ok = pl_park_template_validate (c->templ, c->need_slot, &error);

      g_test_message ("case %u: %s", i, c->templ ? c->templ : "(null)");
      g_assert_cmpint (ok, ==, c->valid);
      if (!ok)
        g_assert_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_TEMPLATE);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *bad = pl_park_expand_template ("sip:{slot}@{domain}", 1, "pbx>evil", &error);

    g_assert_null (bad);
    g_assert_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_VALUE);
  }
}

typedef struct
{
  const char *name;
  int first, last;
  const char *park_ext;
  guint timeout;
  int error_code; /* -1: valid */
} ValidateCase;

static const ValidateCase validate_cases[] = {
  { "Main", 701, 710, "700", 45, -1 },
  { "Main", 701, 701, "700", 45, -1 },
  { "Main", 710, 701, "700", 45, PL_PARK_PROFILE_ERROR_INVALID_RANGE },
  { "Main", -1, 5, "700", 45, PL_PARK_PROFILE_ERROR_INVALID_RANGE },
  { "Main", 1, 5000, "700", 45, PL_PARK_PROFILE_ERROR_INVALID_RANGE },
  { "Main", 700, 710, "700", 45, PL_PARK_PROFILE_ERROR_OVERLAP },
  { "Main", 701, 710, NULL, 45, PL_PARK_PROFILE_ERROR_NO_PARK_EXTENSION },
  { "Main", 701, 710, "7 0", 45, PL_PARK_PROFILE_ERROR_INVALID_VALUE },
  { "Main", 701, 710, "700?Replaces=x", 45, PL_PARK_PROFILE_ERROR_INVALID_VALUE },
  { "Main", 701, 710, "700;user=phone", 45, PL_PARK_PROFILE_ERROR_INVALID_VALUE },
  { "Main", 701, 710, "*59", 45, -1 },
  { "Main", 701, 710, "700", 0, PL_PARK_PROFILE_ERROR_INVALID_VALUE },
  { "", 701, 710, "700", 45, PL_PARK_PROFILE_ERROR_INVALID_NAME },
  { "a]b", 701, 710, "700", 45, PL_PARK_PROFILE_ERROR_INVALID_NAME },
};

static void
test_validate (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (validate_cases); i++)
    {
      const ValidateCase *c = &validate_cases[i];
      g_autoptr (PlParkLotConfig) lot = pl_park_lot_config_new (c->name, PL_PARK_PROFILE_ASTERISK);
      g_autoptr (GError) error = NULL;

      g_test_message ("case %u", i);
      lot->first_slot = c->first;
      lot->last_slot = c->last;
      g_free (lot->park_extension);
      lot->park_extension = g_strdup (c->park_ext);
      lot->timeout = c->timeout;
      if (c->error_code < 0)
        g_assert_true (pl_park_lot_config_validate (lot, &error));
      else
        {
          g_assert_false (pl_park_lot_config_validate (lot, &error));
          g_assert_error (error, PL_PARK_PROFILE_ERROR, c->error_code);
        }
    }
}

static void
test_overlap (void)
{
  g_autoptr (GPtrArray) lots
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_park_lot_config_free);
  g_autoptr (GError) error = NULL;
  PlParkLotConfig *second;

  g_ptr_array_add (lots, pl_park_lot_config_new ("A", PL_PARK_PROFILE_ASTERISK));
  second = pl_park_lot_config_new ("B", PL_PARK_PROFILE_ASTERISK);
  second->first_slot = 711;
  second->last_slot = 720;
  g_ptr_array_add (lots, second);
  g_assert_true (pl_park_lot_configs_validate (lots, NULL));

  second->first_slot = 710;
  g_assert_false (pl_park_lot_configs_validate (lots, &error));
  g_assert_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_OVERLAP);
  g_clear_error (&error);

  second->first_slot = 711;
  g_free (second->name);
  second->name = g_strdup ("A");
  g_assert_false (pl_park_lot_configs_validate (lots, &error));
  g_assert_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_NAME);
}

typedef struct
{
  PlParkProfile profile;
  const char *uri;
  int slot;
} SlotUriCase;

static const SlotUriCase slot_uri_cases[] = {
  { PL_PARK_PROFILE_ASTERISK, "sip:701@127.0.0.1:5070", 701 },
  { PL_PARK_PROFILE_ASTERISK, "sip:710@pbx;user=phone", 710 },
  { PL_PARK_PROFILE_ASTERISK, "<sip:705@pbx>", 705 },
  { PL_PARK_PROFILE_ASTERISK, "sip:700@pbx", -1 },
  { PL_PARK_PROFILE_ASTERISK, "sip:parkslots@pbx", -1 },
  { PL_PARK_PROFILE_FREESWITCH, "sip:park+6001@127.0.0.1", 6001 },
  { PL_PARK_PROFILE_FREESWITCH, "sip:6001", 6001 },
  { PL_PARK_PROFILE_FREESWITCH, "sip:6001@127.0.0.1;proto=park", 6001 },
  { PL_PARK_PROFILE_FREESWITCH, "sip:99999999999999999999@x", -1 },
  { PL_PARK_PROFILE_FREESWITCH, "", -1 },
};

static void
test_slot_from_uri (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (slot_uri_cases); i++)
    {
      g_autoptr (PlParkLotConfig) lot = pl_park_lot_config_new ("x", slot_uri_cases[i].profile);

      g_test_message ("case %u: %s", i, slot_uri_cases[i].uri);
      g_assert_cmpint (pl_park_lot_config_slot_from_uri (lot, slot_uri_cases[i].uri), ==,
                       slot_uri_cases[i].slot);
    }
}

static void
test_keyfile_roundtrip (void)
{
  static const char text[] = "[general]\n"
                             "other=1\n"
                             "[lot Front desk]\n"
                             "profile=asterisk\n"
                             "first-slot=701\n"
                             "last-slot=705\n"
                             "timeout=30\n"
                             "subscribe=list\n"
                             "list-uri=sip:parkslots@{domain}\n"
                             "page-target=600\n"
                             "page-spoken=true\n"
                             "[lot Valet]\n"
                             "profile=freeswitch\n"
                             "subscribe=presence\n"
                             "page-target=sip:paging@pbx.example.org\n"
                             "[lot Lab]\n"
                             "profile=custom\n"
                             "first-slot=5901\n"
                             "last-slot=5905\n"
                             "park-uri=sip:5900@{domain}\n"
                             "retrieve-uri=sip:*{slot}@{domain}\n"
                             "subscribe-uri=sip:park+{slot}@{domain}\n"
                             /* parks by choosing a slot: no park extension,
                              * not even the profile's default 70 */
                             "[lot Sales]\n"
                             "profile=freepbx\n"
                             "park-extension=\n"
                             "first-slot=801\n"
                             "last-slot=810\n";
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GKeyFile) kf2 = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lots = NULL;
  g_autoptr (GPtrArray) again = NULL;
  g_autofree char *saved = NULL;
  PlParkLotConfig *c;

  g_assert_true (g_key_file_load_from_data (kf, text, -1, G_KEY_FILE_NONE, NULL));
  lots = pl_park_lot_configs_load (kf, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lots->len, ==, 4);
  c = g_ptr_array_index (lots, 0);
  g_assert_cmpstr (c->name, ==, "Front desk");
  g_assert_cmpint (c->profile, ==, PL_PARK_PROFILE_ASTERISK);
  g_assert_cmpstr (c->park_extension, ==, "700");
  g_assert_cmpint (c->last_slot, ==, 705);
  g_assert_cmpuint (c->timeout, ==, 30);
  g_assert_cmpint (c->subscribe, ==, PL_PARK_SUBSCRIBE_LIST);
  g_assert_cmpstr (c->page_target, ==, "600");
  g_assert_true (c->page_spoken);
  c = g_ptr_array_index (lots, 1);
  g_assert_cmpstr (c->page_target, ==, "sip:paging@pbx.example.org");
  g_assert_false (c->page_spoken);
  g_assert_cmpint (c->profile, ==, PL_PARK_PROFILE_FREESWITCH);
  g_assert_cmpint (c->first_slot, ==, 6001);
  g_assert_cmpint (c->subscribe, ==, PL_PARK_SUBSCRIBE_PRESENCE);
  c = g_ptr_array_index (lots, 2);
  g_assert_cmpstr (c->retrieve_template, ==, "sip:*{slot}@{domain}");
  c = g_ptr_array_index (lots, 3);
  g_assert_null (c->park_extension);

  pl_park_lot_configs_save (lots, kf2);
  saved = g_key_file_to_data (kf2, NULL, NULL);
  g_key_file_free (g_steal_pointer (&kf2));
  kf2 = g_key_file_new ();
  g_assert_true (g_key_file_load_from_data (kf2, saved, -1, G_KEY_FILE_NONE, NULL));
  again = pl_park_lot_configs_load (kf2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    pl_test_assert_same_lot_config (g_ptr_array_index (lots, i), g_ptr_array_index (again, i));
}

typedef struct
{
  const char *text;
  int error_code;
} BadKeyfileCase;

static const BadKeyfileCase bad_keyfile_cases[] = {
  { "[lot A]\nprofile=yate\n", PL_PARK_PROFILE_ERROR_INVALID_VALUE },
  { "[lot A]\nsubscribe=mwi\n", PL_PARK_PROFILE_ERROR_INVALID_VALUE },
  { "[lot A]\nfirst-slot=abc\n", PL_PARK_PROFILE_ERROR_INVALID_VALUE },
  { "[lot A]\nfirst-slot=720\nlast-slot=710\n", PL_PARK_PROFILE_ERROR_INVALID_RANGE },
  { "[lot A]\n[lot B]\n", PL_PARK_PROFILE_ERROR_OVERLAP },
  { "[lot A]\nprofile=custom\nretrieve-uri=sip:700@{domain}\n",
    PL_PARK_PROFILE_ERROR_INVALID_TEMPLATE },
  { "[lot A]\nsubscribe=list\n", PL_PARK_PROFILE_ERROR_INVALID_TEMPLATE },
  { "[lot A]\ntimeout=-5\n", PL_PARK_PROFILE_ERROR_INVALID_VALUE },
  { "[lot  ]\n", PL_PARK_PROFILE_ERROR_INVALID_NAME },
  { "[lot A]\npage-target=6 00\n", PL_PARK_PROFILE_ERROR_INVALID_PAGE_TARGET },
  { "[lot A]\npage-target=705\n", PL_PARK_PROFILE_ERROR_INVALID_PAGE_TARGET },
  { "[lot A]\npage-spoken=loud\n", PL_PARK_PROFILE_ERROR_INVALID_VALUE },
};

typedef struct
{
  const char *target;
  const char *uri; /* NULL: invalid */
  int error_code;
} PageTargetCase;

/* Lot 701-710, park extension 700, domain pbx:5060. */
static const PageTargetCase page_target_cases[] = {
  { "600", "sip:600@pbx:5060", 0 },
  { "*80", "sip:*80@pbx:5060", 0 },
  { "sip:paging@pbx.example.org", "sip:paging@pbx.example.org", 0 },
  { "sips:sales-page@10.0.0.1:5061", "sips:sales-page@10.0.0.1:5061", 0 },
  { NULL, NULL, PL_PARK_PROFILE_ERROR_NO_PAGE_TARGET },
  { "", NULL, PL_PARK_PROFILE_ERROR_NO_PAGE_TARGET },
  { "701", NULL, PL_PARK_PROFILE_ERROR_INVALID_PAGE_TARGET },
  { "710", NULL, PL_PARK_PROFILE_ERROR_INVALID_PAGE_TARGET },
  { "700", NULL, PL_PARK_PROFILE_ERROR_INVALID_PAGE_TARGET },
  { "600;user=phone", NULL, PL_PARK_PROFILE_ERROR_INVALID_PAGE_TARGET },
  { "600?Replaces=x", NULL, PL_PARK_PROFILE_ERROR_INVALID_PAGE_TARGET },
  { "sip:600@pbx?Alert-Info=x", NULL, PL_PARK_PROFILE_ERROR_INVALID_PAGE_TARGET },
  { "sip:6 00@pbx", NULL, PL_PARK_PROFILE_ERROR_INVALID_PAGE_TARGET },
  { "tel:600", NULL, PL_PARK_PROFILE_ERROR_INVALID_PAGE_TARGET },
};

static void
test_page_target (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_target_cases); i++)
    {
      const PageTargetCase *c = &page_target_cases[i];
      g_autoptr (PlParkLotConfig) lot = pl_park_lot_config_new ("Main", PL_PARK_PROFILE_ASTERISK);
      g_autoptr (GError) error = NULL;
      g_autofree char *uri = NULL;

      g_test_message ("case %u: %s", i, c->target ? c->target : "(null)");
      lot->page_target = g_strdup (c->target);
      uri = pl_park_lot_config_page_uri (lot, "pbx:5060", &error);
      g_assert_cmpstr (uri, ==, c->uri);
      if (c->uri)
        {
          g_assert_no_error (error);
          g_assert_true (pl_park_lot_config_validate (lot, NULL));
        }
      else
        {
          g_assert_error (error, PL_PARK_PROFILE_ERROR, c->error_code);
          /* An unset target is valid (no paging); a bad one is not. */
          g_assert_cmpint (pl_park_lot_config_validate (lot, NULL), ==,
                           c->error_code == PL_PARK_PROFILE_ERROR_NO_PAGE_TARGET);
        }
    }
}

static void
test_keyfile_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_keyfile_cases); i++)
    {
      g_autoptr (GKeyFile) kf = g_key_file_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) lots = NULL;

      g_test_message ("case %u", i);
      g_assert_true (
          g_key_file_load_from_data (kf, bad_keyfile_cases[i].text, -1, G_KEY_FILE_NONE, NULL));
      lots = pl_park_lot_configs_load (kf, &error);
      g_assert_null (lots);
      g_assert_error (error, PL_PARK_PROFILE_ERROR, bad_keyfile_cases[i].error_code);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/park-profile/uris", test_uris);
  g_test_add_func ("/park-profile/templates", test_templates);
  g_test_add_func ("/park-profile/validate", test_validate);
  g_test_add_func ("/park-profile/overlap", test_overlap);
  g_test_add_func ("/park-profile/slot-from-uri", test_slot_from_uri);
  g_test_add_func ("/park-profile/keyfile/roundtrip", test_keyfile_roundtrip);
  g_test_add_func ("/park-profile/keyfile/errors", test_keyfile_errors);
  g_test_add_func ("/park-profile/page-target", test_page_target);
  return g_test_run ();
}
