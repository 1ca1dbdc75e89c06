/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Provisioning files name the line of every error: the line finder on its
 * own, then one broken key at a time in the [account] and [lot …] groups. */
#include <glib/gstdio.h>
#include <string.h>

#include "pl-account-store.h"
#include "pl-keyfile.h"
#include "pl-park-profile.h"
#include "pl-test-util.h"

typedef struct
{
  const char *text;
  const char *group;
  const char *key;
  guint line;
} FindCase;

static const FindCase find_cases[] = {
  { "[a]\nx=1\ny=2\n", "a", "y", 3 },
  { "[a]\nx=1\ny=2\n", "a", "z", 1 }, /* no such key: the group */
  { "[a]\nx=1\n", "b", "x", 0 },      /* no such group */
  { "[a]\nx=1\n", "a", NULL, 1 },
  { "# c\n\n  [lot Main]  \n  timeout = 9 \n", "lot Main", "timeout", 4 },
  { "[a]\n#y=1\ny=2\n", "a", "y", 3 },               /* a comment is no key */
  { "[a]\ny=1\n[b]\ny=2\n", "b", "y", 4 },           /* the right group's key */
  { "[a]\ny=1\n[b]\nz=1\n[a]\ny=3\n", "a", "y", 6 }, /* GKeyFile keeps the last */
  { "[a]\nyy=1\ny[de]=2\ny =3\n", "a", "y", 4 },     /* not a longer key, not a locale */
  { "[a]\r\nx=1\r\ny=2\r\n", "a", "y", 3 },
  { "[lot A]\nx=1\n[lot AB]\nx=2\n", "lot A", "x", 2 },
  { "", "a", "x", 0 },
  { NULL, "a", "x", 0 },
};

static void
test_find_line (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (find_cases); i++)
    {
      const FindCase *c = &find_cases[i];

      g_test_message ("case %u", i);
      g_assert_cmpuint (pl_keyfile_find_line (c->text, c->group, c->key), ==, c->line);
    }
}

#define ACCOUNT "[account]\nuser=100\ndomain=pbx.example.org\npassword=pw\n"
#define LOT     "[lot Main]\nprofile=asterisk\n"
#define MANAGER "manager-host=pbx.example.org:5038\nmanager-user=desk\n"

typedef struct
{
  const char *name;
  const char *text;
  const char *error; /* expected start of the message; NULL: loads */
} FileCase;

static const FileCase file_cases[] = {
  { "good", ACCOUNT LOT MANAGER "manager-secret=deskpw\n", NULL },
  { "no-account", LOT, "desk.conf: The provisioning file has no [account] section" },
  { "account-id",
    "[account]\nid=desk 12\n"
    "user=100\ndomain=pbx\n",
    "desk.conf:2: " },
  { "account-transport", ACCOUNT "transport=sctp\n", "desk.conf:5: Unknown transport" },
  { "account-password-file", "[account]\nuser=100\ndomain=pbx\npassword-file=/nonexistent/pw\n",
    "desk.conf:4: Could not read the password file" },
  { "account-user", "[account]\ndomain=pbx\nuser=\n", "desk.conf:3: Enter the SIP user name" },
  { "account-domain-missing", "[account]\nuser=100\n", "desk.conf:1: Enter the SIP domain" },
  { "account-domain-bad", "[account]\n\nuser=100\n# the registrar\ndomain=pbx;x=y\n",
    "desk.conf:5: " },
  { "account-user-bad", "[account]\nuser=a b\ndomain=pbx\n", "desk.conf:2: " },
  { "account-proxy", ACCOUNT "outbound-proxy=proxy\n", "desk.conf:5: The outbound proxy" },
  { "account-display-name", ACCOUNT "display-name=The \"Desk\"\n", "desk.conf:5: Names must" },
  { "account-auth-user", ACCOUNT "auth-user=a<b\n", "desk.conf:5: Names must" },
  { "lot-profile", ACCOUNT LOT "\n[lot B]\nprofile=sipxecs\n", "desk.conf:9: [lot B] profile" },
  { "lot-subscribe", ACCOUNT LOT "subscribe=poll\n", "desk.conf:7: [lot Main] subscribe" },
  { "lot-first-slot", ACCOUNT LOT "first-slot=seven\n", "desk.conf:7: [lot Main] first-slot" },
  { "lot-last-slot", ACCOUNT LOT "first-slot=710\nlast-slot=701\n", "desk.conf:8: Park lot" },
  { "lot-timeout", ACCOUNT LOT "timeout=0\n", "desk.conf:7: Park lot" },
  { "lot-park-extension", ACCOUNT LOT "park-extension=70;0\n", "desk.conf:7: Park lot" },
  { "lot-park-uri", ACCOUNT "[lot C]\nprofile=custom\npark-uri=http://x\n",
    "desk.conf:7: URI template" },
  { "lot-retrieve-uri", ACCOUNT "[lot C]\nprofile=custom\nretrieve-uri=sip:x@{domain}\n",
    "desk.conf:7: URI template" },
  { "lot-subscribe-uri", ACCOUNT "[lot C]\nprofile=custom\nsubscribe-uri=sip:{slo}\n",
    "desk.conf:7: URI template" },
  { "lot-list-uri", ACCOUNT LOT "subscribe=list\nlist-uri=parkslots\n", "desk.conf:8: URI" },
  { "lot-duplicate-name", ACCOUNT LOT "[lot  Main ]\nfirst-slot=801\nlast-slot=802\n",
    "desk.conf:7: Two park lots" },
  { "lot-overlap", ACCOUNT LOT "[lot B]\nfirst-slot=705\nlast-slot=712\n",
    "desk.conf:8: Park lots" },
  { "manager-host", ACCOUNT LOT "manager-host=pbx.example.org\nmanager-user=d\n",
    "desk.conf:7: Park lot “Main”: the manager host" },
  { "manager-host-port", ACCOUNT LOT "manager-user=d\nmanager-host=pbx:99999\n",
    "desk.conf:8: Park lot “Main”: the manager host" },
  /* a key that is missing: the group it belongs in */
  { "manager-user", ACCOUNT LOT "manager-host=pbx:5038\n", "desk.conf:5: Park lot “Main”: enter" },
  { "manager-user-control", ACCOUNT LOT "manager-host=pbx:5038\nmanager-user=de\\tsk\n",
    "desk.conf:8: Park lot “Main”: enter the manager user" },
  { "manager-user-without-host", ACCOUNT LOT "manager-user=desk\n",
    "desk.conf:7: Park lot “Main”: manager-user needs manager-host" },
  { "manager-secret-control", ACCOUNT LOT MANAGER "manager-secret=pw\\nAction: Originate\n",
    "desk.conf:9: Park lot “Main”: the manager secret" },
  { "manager-secret-and-file", ACCOUNT LOT MANAGER "manager-secret=a\nmanager-secret-file=/x\n",
    "desk.conf:10: [lot Main] manager-secret-file: give either" },
  { "manager-secret-file-missing", ACCOUNT LOT MANAGER "manager-secret-file=/nonexistent/s\n",
    "desk.conf:9: [lot Main] manager-secret-file: " },
  { "manager-tls", ACCOUNT LOT MANAGER "manager-tls=yes please\n",
    "desk.conf:9: [lot Main] manager-tls: use true or false" },
  { "manager-parkinglot", ACCOUNT LOT MANAGER "manager-parkinglot=\n",
    "desk.conf:9: Park lot “Main”: name the manager" },
  { "page-target", ACCOUNT LOT "\npage-target=sip:600@pbx?Subject=x\n",
    "desk.conf:8: Park lot “Main”: “sip:600@pbx?Subject=x” is not a valid page target" },
  { "page-target-slot", ACCOUNT LOT "page-target=705\npage-spoken=true\n",
    "desk.conf:7: Park lot “Main”: the page target 705 is a slot" },
  { "page-spoken", ACCOUNT LOT "page-target=600\npage-spoken=loud\n",
    "desk.conf:8: [lot Main] page-spoken: use true or false" },
  { "page-good", ACCOUNT LOT "page-target=600\npage-spoken=true\n", NULL },
  { "syntax", ACCOUNT "this is not a key\n", "desk.conf:5: " },
};

/* Loads the file like --provision and --account-file do. */
static gboolean
load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GKeyFile) keyfile = pl_keyfile_load (path, &text, error);
  g_autoptr (PlAccount) account = NULL;
  g_autoptr (GPtrArray) lots = NULL;

  return keyfile != NULL && (account = pl_account_from_keyfile_text (keyfile, text, path, error))
         && (lots = pl_park_lot_configs_load_text (keyfile, text, path, error));
}

static void
test_file_errors (void)
{
  g_autofree char *dir = pl_test_make_dir ("keyfile-lines");

  /* the file's name as the admin gave it */
  g_assert_cmpint (g_chdir (dir), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (file_cases); i++)
    {
      const FileCase *c = &file_cases[i];
      g_autoptr (GError) error = NULL;

      g_test_message ("case %s", c->name);
      g_assert_true (g_file_set_contents ("desk.conf", c->text, -1, NULL));
      if (c->error == NULL)
        {
          g_assert_true (load ("desk.conf", &error));
          g_assert_no_error (error);
          continue;
        }
      g_assert_false (load ("desk.conf", &error));
      g_assert_nonnull (error);
      g_test_message ("→ %s", error->message);
      g_assert_true (g_str_has_prefix (error->message, c->error));
    }
  g_remove ("desk.conf");
  pl_test_remove_tree (dir);
}

/* Without the text (the lots stored in GSettings) errors have no line. */
static void
test_without_text (void)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (g_key_file_load_from_data (keyfile, LOT "timeout=0\n", -1, 0, NULL));
  g_assert_null (pl_park_lot_configs_load (keyfile, &error));
  g_assert_true (g_str_has_prefix (error->message, "Park lot “Main”"));
}

/* Values from outside, escapes included. The last rows made GLib 2.74 warn
 * "GError set over the top" (found by fuzz-keyfile): a bad escape, then a
 * lone backslash at the end. */
static void
test_get_string (void)
{
  static const struct
  {
    const char *line;
    const char *expected; /* NULL: absent or invalid */
  } cases[] = {
    { "v=plain", "plain" },
    { "v=  padded  ", "padded  " },         /* GLib strips the front only */
    { "v=tab\\there", "tab\there" },        /* escapes are decoded */
    { "v=even\\\\", "even\\" },             /* an escaped backslash at the end */
    { "v=bad\\q-escape", "bad\\q-escape" }, /* GLib keeps unknown escapes */
    { "v=odd\\", NULL },                    /* a lone backslash at the end */
    { "v=odd\\\\\\", NULL },                /* the same after an escaped one */
    { "v=p\\u00epbx=p\\", NULL },           /* found by fuzz-keyfile */
    { "w=other key", NULL },                /* absent */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GKeyFile) keyfile = g_key_file_new ();
      g_autofree char *text = g_strdup_printf ("[g]\n%s\n", cases[i].line);
      g_autofree char *value = NULL;

      g_test_message ("%s", cases[i].line);
      g_assert_true (g_key_file_load_from_data (keyfile, text, -1, 0, NULL));
      value = pl_keyfile_get_string (keyfile, "g", "v");
      g_assert_cmpstr (value, ==, cases[i].expected);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/keyfile-lines/find-line", test_find_line);
  g_test_add_func ("/keyfile-lines/file-errors", test_file_errors);
  g_test_add_func ("/keyfile-lines/without-text", test_without_text);
  g_test_add_func ("/keyfile-lines/get-string", test_get_string);
  return g_test_run ();
}
