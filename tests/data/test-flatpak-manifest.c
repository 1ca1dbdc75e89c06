/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-flatpak-manifest"

/* The Flatpak manifest cannot be built here (no runtime, no network), so
 * this checks what can be checked offline: flatpak-builder itself parses it
 * without complaint, every source is pinned, the permissions are exactly the
 * reviewed minimal set with a reason each, and the baresip build carries
 * every module Parkline's generated config loads. The checker is proven on
 * broken manifests too, so a pass means something. */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "pl-baresip-config.h"

static const char *manifest_path;
static const char *flatpak_builder;

/* Reviewed permissions; anything else needs a reason and a review here. */
static const char *const allowed_finish_args[] = {
  "--share=network",       "--socket=pulseaudio", "--socket=wayland",
  "--socket=fallback-x11", "--share=ipc",         "--talk-name=org.freedesktop.secrets",
};

/* In dependency order: each needs the ones before it. */
static const char *const required_modules[]
    = { "portaudio", "libre", "librem", "baresip", "espeak-ng", "parkline" };

typedef struct
{
  JsonObject *root; /* flatpak-builder's view of the manifest */
  char *text;       /* the YAML as written, for what parsing drops: comments */
  char *dir;
  GPtrArray *problems;
} Manifest;

static void
manifest_free (Manifest *m)
{
  g_clear_pointer (&m->root, json_object_unref);
  g_free (m->text);
  g_free (m->dir);
  g_ptr_array_unref (m->problems);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Manifest, manifest_free)

G_GNUC_PRINTF (2, 3)
static void
problem (Manifest *m, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (m->problems, g_strdup_vprintf (format, args));
  va_end (args);
}

static gboolean
is_hex (const char *s, gsize length)
{
  if (s == NULL || strlen (s) != length)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isxdigit (*s) || g_ascii_isupper (*s))
      return FALSE;
  return TRUE;
}

static const char *
member_string (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

/* Runs flatpak-builder --show-manifest; its warnings (unknown properties,
 * wrong types) count as problems. */
static Manifest *
manifest_load (const char *path)
{
  g_autoptr (Manifest) m = g_new0 (Manifest, 1);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;

  m->problems = g_ptr_array_new_with_free_func (g_free);
  m->dir = g_path_get_dirname (path);
  g_assert_true (g_file_get_contents (path, &m->text, NULL, &error));
  g_assert_no_error (error);

  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* Our fatal-warnings setting would turn its warnings into a crash. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  /* It leaves a .flatpak-builder state directory in its working directory. */
  g_subprocess_launcher_set_cwd (launcher, g_getenv ("G_TEST_BUILDDIR"));
  process = g_subprocess_launcher_spawn (launcher, &error, flatpak_builder, "--show-manifest", path,
                                         NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    {
      problem (m, "flatpak-builder refused the manifest: %s", err);
      return g_steal_pointer (&m);
    }
  if (err && *g_strstrip (err))
    problem (m, "flatpak-builder complained: %s", err);
  if (!json_parser_load_from_data (parser, out, -1, &error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      problem (m, "unreadable --show-manifest output: %s", error ? error->message : out);
      return g_steal_pointer (&m);
    }
  m->root = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  return g_steal_pointer (&m);
}

static gboolean
is_source_tree (const char *manifest_dir, const char *path)
{
  g_autofree char *dir = path == NULL || g_path_is_absolute (path)
                             ? g_strdup (path)
                             : g_build_filename (manifest_dir, path, NULL);
  g_autofree char *meson_build = dir ? g_build_filename (dir, "meson.build", NULL) : NULL;
  g_autofree char *text = NULL;

  return meson_build && g_file_get_contents (meson_build, &text, NULL, NULL)
         && strstr (text, "project('parkline'") != NULL;
}

static void
check_https (Manifest *m, const char *module, const char *url)
{
  if (url == NULL || !g_str_has_prefix (url, "https://"))
    problem (m, "%s: source URL %s is not https", module, url ? url : "(none)");
}

static void
check_source (Manifest *m, const char *module, JsonObject *source)
{
  const char *type = member_string (source, "type");

  if (g_strcmp0 (type, "archive") == 0 || g_strcmp0 (type, "file") == 0)
    {
      JsonArray *mirrors = json_object_get_array_member (source, "mirror-urls");

      check_https (m, module, member_string (source, "url"));
      if (mirrors)
        for (guint i = 0; i < json_array_get_length (mirrors); i++)
          check_https (m, module, json_array_get_string_element (mirrors, i));
      if (!is_hex (member_string (source, "sha256"), 64))
        problem (m, "%s: %s source without a sha256", module, type);
    }
  else if (g_strcmp0 (type, "git") == 0)
    {
      check_https (m, module, member_string (source, "url"));
      if (member_string (source, "tag") == NULL || !is_hex (member_string (source, "commit"), 40))
        problem (m, "%s: git source needs both a tag and its commit", module);
    }
  else if (g_strcmp0 (type, "patch") == 0)
    {
      g_autofree char *path = g_build_filename (m->dir, member_string (source, "path"), NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        problem (m, "%s: patch %s is not in the tree", module, path);
    }
  else if (g_strcmp0 (type, "dir") == 0)
    {
      /* The one unpinned source allowed: the checkout holding this manifest. */
      if (g_strcmp0 (module, "parkline") != 0
          || !is_source_tree (m->dir, member_string (source, "path")))
        problem (m, "%s: a dir source is only for Parkline's own tree", module);
    }
  else
    problem (m, "%s: source type %s cannot be pinned", module, type ? type : "(none)");
}

/* The position of the module named @name in the manifest, or -1. */
static int
module_index (Manifest *m, const char *name)
{
  JsonArray *modules = json_object_get_array_member (m->root, "modules");

  for (guint i = 0; modules && i < json_array_get_length (modules); i++)
    {
      JsonNode *node = json_array_get_element (modules, i);

      if (JSON_NODE_HOLDS_OBJECT (node)
          && g_strcmp0 (member_string (json_node_get_object (node), "name"), name) == 0)
        return (int)i;
    }
  return -1;
}

static JsonObject *
find_module (Manifest *m, const char *name)
{
  int index = module_index (m, name);
  JsonArray *modules = json_object_get_array_member (m->root, "modules");

  return index < 0 ? NULL : json_array_get_object_element (modules, (guint)index);
}

static void
check_modules (Manifest *m)
{
  JsonArray *modules = json_object_get_array_member (m->root, "modules");
  int last_index = -1;

  for (guint i = 0; modules && i < json_array_get_length (modules); i++)
    {
      JsonNode *node = json_array_get_element (modules, i);
      JsonObject *module;
      JsonArray *sources;
      const char *name;

      /* A string is another manifest file, whose sources this cannot see. */
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          problem (m, "module %u is not inline", i);
          continue;
        }
      module = json_node_get_object (node);
      name = member_string (module, "name");
      if (json_object_has_member (module, "modules"))
        problem (m, "%s: nested modules are not checked", name);
      sources = json_object_get_array_member (module, "sources");
      if (sources == NULL || json_array_get_length (sources) == 0)
        problem (m, "%s: no sources", name);
      for (guint j = 0; sources && j < json_array_get_length (sources); j++)
        check_source (m, name, json_array_get_object_element (sources, j));
    }

  for (gsize i = 0; i < G_N_ELEMENTS (required_modules); i++)
    {
      int index = module_index (m, required_modules[i]);

      if (index < 0)
        problem (m, "module %s is missing", required_modules[i]);
      else if (index < last_index)
        problem (m, "module %s is built before what it needs", required_modules[i]);
      else
        last_index = index;
    }
}

/* Every MODULES="…" list of the baresip build commands (build and install
 * must agree, or the install step leaves modules out). */
static GPtrArray *
baresip_module_lists (Manifest *m)
{
  JsonObject *baresip = find_module (m, "baresip");
  JsonArray *commands = baresip ? json_object_get_array_member (baresip, "build-commands") : NULL;
  GPtrArray *lists = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);

  for (guint i = 0; commands && i < json_array_get_length (commands); i++)
    {
      const char *start = strstr (json_array_get_string_element (commands, i), "MODULES=\"");
      const char *end = start ? strchr (start + strlen ("MODULES=\""), '"') : NULL;
      g_autofree char *list = NULL;

      if (end == NULL)
        continue;
      start += strlen ("MODULES=\"");
      list = g_strndup (start, end - start);
      g_ptr_array_add (lists, g_strsplit_set (list, " ", -1));
    }
  return lists;
}

/* What Parkline's config writer loads when Opus and aufile are there and
 * G.722 is not, which is the Flatpak's situation (see the manifest's baresip
 * comment). */
static GStrv
config_modules (void)
{
  PlBaresipConfigParams params
      = { .ctrl_listen = "127.0.0.1:1", .have_opus = TRUE, .have_aufile = TRUE };
  g_autofree char *text = pl_baresip_config_text (&params, NULL);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();

  for (char **line = lines; *line; line++)
    {
      const char *tab = strchr (*line, '\t');

      if (tab && (g_str_has_prefix (*line, "module\t") || g_str_has_prefix (*line, "module_app\t"))
          && g_str_has_suffix (tab, ".so"))
        {
          g_autofree char *name = g_strndup (tab + 1, strlen (tab + 1) - strlen (".so"));

          g_strv_builder_add (names, name);
        }
    }
  return g_strv_builder_end (names);
}

static void
check_baresip_and_parkline (Manifest *m)
{
  g_autoptr (GPtrArray) built = baresip_module_lists (m);
  g_auto (GStrv) loaded = config_modules ();
  JsonObject *parkline = find_module (m, "parkline");
  JsonArray *opts = parkline ? json_object_get_array_member (parkline, "config-opts") : NULL;
  gboolean binary = FALSE, modules = FALSE;

  if (built->len == 0)
    problem (m, "baresip's build commands do not choose its modules");
  for (guint i = 0; i < built->len; i++)
    for (char **name = loaded; *name; name++)
      if (!g_strv_contains (g_ptr_array_index (built, i), *name))
        problem (m, "baresip is built without the %s module Parkline loads", *name);
  for (guint i = 0; opts && i < json_array_get_length (opts); i++)
    {
      const char *opt = json_array_get_string_element (opts, i);

      binary |= g_strcmp0 (opt, "-Dbaresip=/app/bin/baresip") == 0;
      modules |= g_strcmp0 (opt, "-Dbaresip_modules=/app/lib/baresip/modules") == 0;
    }
  if (!binary || !modules)
    problem (m, "parkline is not pointed at the bundled baresip and its modules");
}

/* Finds the finish-args block in the YAML text and checks that each entry
 * has its own comment directly above it. */
static void
check_finish_arg_comments (Manifest *m)
{
  g_auto (GStrv) lines = g_strsplit (m->text, "\n", -1);
  gboolean in_block = FALSE, commented = FALSE;

  for (char **line = lines; *line; line++)
    {
      const char *text = *line;

      if (!in_block)
        {
          in_block = g_str_has_prefix (text, "finish-args:");
          continue;
        }
      if (*text != ' ' && *text != '\0')
        break; /* the next top-level key */
      while (*text == ' ')
        text++;
      if (*text == '#')
        commented = TRUE;
      else if (g_str_has_prefix (text, "- "))
        {
          if (!commented)
            problem (m, "finish-arg %s has no comment saying why", text + 2);
          commented = FALSE;
        }
    }
}

static void
check_finish_args (Manifest *m)
{
  JsonArray *args = json_object_get_array_member (m->root, "finish-args");

  for (guint i = 0; args && i < json_array_get_length (args); i++)
    {
      const char *arg = json_array_get_string_element (args, i);

      if (!g_strv_contains (allowed_finish_args, arg))
        problem (m, "finish-arg %s is not in the reviewed minimal set", arg);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (allowed_finish_args); i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; args && j < json_array_get_length (args); j++)
        found |= g_strcmp0 (json_array_get_string_element (args, j), allowed_finish_args[i]) == 0;
      if (!found)
        problem (m, "finish-arg %s is missing", allowed_finish_args[i]);
    }
  check_finish_arg_comments (m);
}

static Manifest *
manifest_check (const char *path)
{
  Manifest *m = manifest_load (path);

  if (m->root == NULL)
    return m;
  if (g_strcmp0 (member_string (m->root, "id"), APP_ID) != 0)
    problem (m, "app id is not %s", APP_ID);
  if (g_strcmp0 (member_string (m->root, "command"), "parkline") != 0)
    problem (m, "command is not parkline");
  if (g_strcmp0 (member_string (m->root, "runtime"), "org.gnome.Platform") != 0
      || g_strcmp0 (member_string (m->root, "sdk"), "org.gnome.Sdk") != 0)
    problem (m, "not on the GNOME runtime");
  check_modules (m);
  check_baresip_and_parkline (m);
  check_finish_args (m);
  return m;
}

static void
test_real_manifest (void)
{
  g_autoptr (Manifest) m = manifest_check (manifest_path);

  for (guint i = 0; i < m->problems->len; i++)
    g_test_message ("%s", (char *)g_ptr_array_index (m->problems, i));
  g_assert_cmpuint (m->problems->len, ==, 0);
}

/* Broken variants of the real manifest: each edit must be reported. */
typedef struct
{
  const char *name;
  const char *find;    /* text in the real manifest … */
  const char *replace; /* … replaced by this */
  const char *expect;  /* a fragment of the expected problem */
} BrokenCase;

static const BrokenCase broken_cases[] = {
  { "no-sha256",
    "        sha256: 82afc903a6b1e436b357f05eb11560ec681712291dd9c83c408465c895f28b5d\n", "",
    "libre: archive source without a sha256" },
  { "short-sha256", "sha256: 82afc903a6b1e436b357f05eb11560ec681712291dd9c83c408465c895f28b5d",
    "sha256: 82afc903", "libre: archive source without a sha256" },
  { "http-url", "url: https://github.com/baresip/re/", "url: http://github.com/baresip/re/",
    "is not https" },
  { "git-tag-only",
    "      - type: archive\n        url: https://github.com/creytiv/rem/releases/download/v0.6.0/"
    "rem-0.6.0.tar.gz\n",
    "      - type: git\n        url: https://github.com/creytiv/rem.git\n        tag: v0.6.0\n"
    "      - type: archive\n        url: https://github.com/creytiv/rem/releases/download/v0.6.0/"
    "rem-0.6.0.tar.gz\n",
    "librem: git source needs both a tag and its commit" },
  { "extra-permission", "  - --share=ipc\n", "  - --share=ipc\n  # home\n  - --filesystem=home\n",
    "--filesystem=home is not in the reviewed minimal set" },
  { "uncommented-permission",
    "  # X11 shared memory; without it X11 rendering is slow.\n  - --share=ipc\n",
    "  - --share=ipc\n", "--share=ipc has no comment" },
  { "missing-module-in-baresip", "MODULES=\"account menu ctrl_tcp opus g711 portaudio aufile\"\n",
    "MODULES=\"account menu opus g711 portaudio aufile\"\n",
    "without the ctrl_tcp module Parkline loads" },
  { "unknown-property", "    buildsystem: autotools\n",
    "    buildsystem: autotools\n    sha-256: nothing\n", "flatpak-builder" },
  { "dir-for-a-dependency",
    "      - type: archive\n        url: https://github.com/baresip/baresip/",
    "      - type: dir\n        path: ..\n      - type: archive\n"
    "        url: https://github.com/baresip/baresip/",
    "baresip: a dir source is only for Parkline's own tree" },
  { "missing-module", "  - name: portaudio\n", "  - name: pulseaudio\n",
    "module portaudio is missing" },
  { "no-aufile", "MODULES=\"account menu ctrl_tcp opus g711 portaudio aufile\"\n",
    "MODULES=\"account menu ctrl_tcp opus g711 portaudio\"\n",
    "without the aufile module Parkline loads" },
  { "no-espeak", "  - name: espeak-ng\n", "  - name: espeak\n", "module espeak-ng is missing" },
};

static void
test_broken_manifest (gconstpointer data)
{
  const BrokenCase *c = data;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autofree char *manifest_dir = g_path_get_dirname (manifest_path);
  g_autofree char *source_root = g_path_get_dirname (manifest_dir);
  g_autofree char *tmp = NULL;
  g_autofree char *root_line = NULL;
  g_autoptr (GString) edited = NULL;
  g_autoptr (Manifest) m = NULL;
  g_autoptr (GError) error = NULL;
  gboolean found = FALSE;

  g_assert_true (g_file_get_contents (manifest_path, &text, NULL, &error));
  edited = g_string_new (text);
  g_assert_cmpuint (g_string_replace (edited, c->find, c->replace, 1), ==, 1);
  /* The copy lives elsewhere: Parkline's own tree by its absolute path. */
  root_line = g_strdup_printf ("        path: %s\n", source_root);
  g_assert_cmpuint (g_string_replace (edited, "        path: ..\n", root_line, 0), >=, 1);
  tmp = g_dir_make_tmp ("pl-flatpak-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (tmp, "manifest.yml", NULL);
  g_assert_true (g_file_set_contents (path, edited->str, -1, &error));
  m = manifest_check (path);
  g_unlink (path);
  g_rmdir (tmp);

  for (guint i = 0; i < m->problems->len; i++)
    {
      g_test_message ("%s", (char *)g_ptr_array_index (m->problems, i));
      found |= strstr (g_ptr_array_index (m->problems, i), c->expect) != NULL;
    }
  g_assert_true (found);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (argc != 3)
    {
      g_printerr ("usage: %s FLATPAK-BUILDER MANIFEST\n", argv[0]);
      return 2;
    }
  flatpak_builder = argv[1];
  manifest_path = argv[2];

  g_test_add_func ("/flatpak/manifest", test_real_manifest);
  for (gsize i = 0; i < G_N_ELEMENTS (broken_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/flatpak/catches/%s", broken_cases[i].name);

      g_test_add_data_func (path, &broken_cases[i], test_broken_manifest);
    }
  return g_test_run ();
}
