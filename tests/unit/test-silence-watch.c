/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-silence-watch.h"
#include "pl-test-util.h"

/* What the watch reported, in order: 'S' silent, 'M' media after silence. */
static void
record_cb (PlCall *call, gboolean silent, gpointer user_data)
{
  g_string_append_c (user_data, silent ? 'S' : 'M');
}

typedef enum
{
  STEP_ACTIVE,
  STEP_HELD,
  STEP_MEDIA,
  STEP_END,
  STEP_WAIT, /* longer than the delay */
} Step;

typedef struct
{
  const char *name;
  Step steps[6];
  guint n_steps;
  const char *expected;
} Case;

static const Case cases[] = {
  { "ringing-only", { STEP_WAIT }, 1, "" },
  { "answered-silent", { STEP_ACTIVE, STEP_WAIT }, 2, "S" },
  { "media-in-time", { STEP_ACTIVE, STEP_MEDIA, STEP_WAIT }, 3, "" },
  { "media-late", { STEP_ACTIVE, STEP_WAIT, STEP_MEDIA, STEP_WAIT }, 4, "SM" },
  { "held-before-delay", { STEP_ACTIVE, STEP_HELD, STEP_WAIT }, 3, "" },
  { "resumed", { STEP_ACTIVE, STEP_HELD, STEP_ACTIVE, STEP_WAIT }, 4, "S" },
  { "ended", { STEP_ACTIVE, STEP_END, STEP_WAIT }, 3, "" },
};

#define DELAY_MS 30

static void
test_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autoptr (PlCall) call
          = pl_call_new ("c1", PL_CALL_DIRECTION_OUTGOING, "sip:6001@pbx", NULL);
      g_autoptr (GString) seen = g_string_new (NULL);
      g_autoptr (PlSilenceWatch) watch = NULL;

      g_test_message ("case %s", c->name);
      watch = pl_silence_watch_new (call, DELAY_MS, record_cb, seen);
      for (guint k = 0; k < c->n_steps; k++)
        switch (c->steps[k])
          {
            case STEP_ACTIVE:
              pl_call_set_state (call, PL_CALL_STATE_ACTIVE);
              break;
            case STEP_HELD:
              pl_call_set_state (call, PL_CALL_STATE_HELD);
              break;
            case STEP_MEDIA:
              pl_call_set_media_received (call, TRUE);
              break;
            case STEP_END:
              pl_call_end (call, PL_CALL_END_HANGUP, NULL);
              break;
            case STEP_WAIT:
              /* Time passing is the point here, not a condition. */
              pl_test_spin (3 * DELAY_MS);
              break;
          }
      g_assert_cmpstr (seen->str, ==, c->expected);
      g_assert_cmpint (pl_silence_watch_get_silent (watch), ==,
                       c->expected[0] != '\0' && seen->str[seen->len - 1] == 'S');
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/silence-watch/table", test_table);
  return g_test_run ();
}
