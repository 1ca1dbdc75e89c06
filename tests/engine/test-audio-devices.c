/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-audio-devices"

#include "pl-audio-devices.h"

/* Device choice, on made-up device lists. */

typedef struct
{
  const char *name;
  gboolean in, out, def_in, def_out;
} Dev;

typedef struct
{
  const char *label;
  Dev devs[4];
  const char *want_out; /* NULL: none */
  const char *want_in;
  gboolean usable;
} Case;

static const Case cases[] = {
  { "empty", { { NULL } }, NULL, NULL, FALSE },
  { "pulse-and-default",
    { { "pulse", TRUE, TRUE, FALSE, FALSE }, { "default", TRUE, TRUE, TRUE, TRUE } },
    "default",
    "default",
    TRUE },
  { "default-listed-first-wins-over-portaudio-default",
    { { "hw:0,0", TRUE, TRUE, TRUE, TRUE }, { "default", TRUE, TRUE, FALSE, FALSE } },
    "default",
    "default",
    TRUE },
  { "portaudio-default-without-alsa-default",
    { { "hw:0,0", FALSE, TRUE, FALSE, FALSE }, { "USB headset", TRUE, TRUE, TRUE, TRUE } },
    "USB headset",
    "USB headset",
    TRUE },
  { "first-capable",
    { { "mic only", TRUE, FALSE, FALSE, FALSE }, { "speaker only", FALSE, TRUE, FALSE, FALSE } },
    "speaker only",
    "mic only",
    TRUE },
  { "output-only", { { "speaker", FALSE, TRUE, FALSE, TRUE } }, "speaker", NULL, FALSE },
};

static GPtrArray *
make_list (const Case *c)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_audio_device_free);

  for (int i = 0; i < 4 && c->devs[i].name; i++)
    {
      PlAudioDevice *d = g_new0 (PlAudioDevice, 1);

      d->index = i;
      d->name = g_strdup (c->devs[i].name);
      d->host_api = g_strdup ("ALSA");
      d->is_input = c->devs[i].in;
      d->is_output = c->devs[i].out;
      d->is_default_input = c->devs[i].def_in;
      d->is_default_output = c->devs[i].def_out;
      g_ptr_array_add (list, d);
    }
  return list;
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GPtrArray) list = make_list (c);
  const PlAudioDevice *out = pl_audio_devices_pick (list, FALSE);
  const PlAudioDevice *in = pl_audio_devices_pick (list, TRUE);

  g_assert_cmpstr (out ? out->name : NULL, ==, c->want_out);
  g_assert_cmpstr (in ? in->name : NULL, ==, c->want_in);
  g_assert_cmpint (pl_audio_devices_usable (list), ==, c->usable);
  if (out)
    g_assert_true (pl_audio_devices_find (list, out->name, FALSE) == out);
}

static void
test_find (void)
{
  const Case *c = &cases[4];
  g_autoptr (GPtrArray) list = make_list (c);

  g_assert_nonnull (pl_audio_devices_find (list, "mic only", TRUE));
  g_assert_null (pl_audio_devices_find (list, "mic only", FALSE));
  g_assert_null (pl_audio_devices_find (list, "nothing", TRUE));
  g_assert_cmpint (pl_audio_devices_find (list, "speaker only", FALSE)->index, ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/audio-devices/pick/%s", cases[i].label);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/audio-devices/find", test_find);
  return g_test_run ();
}
