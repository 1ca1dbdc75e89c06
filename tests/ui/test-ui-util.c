/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-util"

#include <gdk/gdkkeysyms.h>

#include "pl-ui-util.h"
#include "pl-util.h"

static void
test_call_actions (void)
{
  static const struct
  {
    gboolean has_call;
    PlCallState state;
    PlCallActions expected;
  } cases[] = {
    { FALSE, PL_CALL_STATE_ACTIVE, PL_CALL_ACTION_NONE },
    { TRUE, PL_CALL_STATE_INCOMING, PL_CALL_ACTION_ANSWER | PL_CALL_ACTION_DECLINE },
    { TRUE, PL_CALL_STATE_DIALING, PL_CALL_ACTION_HANGUP },
    { TRUE, PL_CALL_STATE_RINGING, PL_CALL_ACTION_HANGUP },
    { TRUE, PL_CALL_STATE_ACTIVE,
      PL_CALL_ACTION_HANGUP | PL_CALL_ACTION_HOLD | PL_CALL_ACTION_MUTE | PL_CALL_ACTION_TRANSFER
          | PL_CALL_ACTION_DTMF },
    { TRUE, PL_CALL_STATE_HELD,
      PL_CALL_ACTION_HANGUP | PL_CALL_ACTION_HOLD | PL_CALL_ACTION_MUTE | PL_CALL_ACTION_TRANSFER },
    { TRUE, PL_CALL_STATE_ENDED, PL_CALL_ACTION_NONE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %zu: state %d", i, cases[i].state);
      g_assert_cmphex (pl_ui_call_actions (cases[i].has_call, cases[i].state), ==,
                       cases[i].expected);
    }
}

static void
test_can_dial (void)
{
  g_assert_true (pl_ui_can_dial (TRUE, PL_ENGINE_STATE_RUNNING));
  g_assert_false (pl_ui_can_dial (FALSE, PL_ENGINE_STATE_RUNNING));
  g_assert_false (pl_ui_can_dial (TRUE, PL_ENGINE_STATE_STARTING));
  g_assert_false (pl_ui_can_dial (TRUE, PL_ENGINE_STATE_RESTARTING));
  g_assert_false (pl_ui_can_dial (TRUE, PL_ENGINE_STATE_FAILED));
  g_assert_false (pl_ui_can_dial (TRUE, PL_ENGINE_STATE_STOPPED));
}

static void
test_duration (void)
{
  static const struct
  {
    gint64 us;
    const char *text;
  } cases[] = {
    { -5, "0:00" },
    { 0, "0:00" },
    { 999999, "0:00" },
    { (gint64)7 * G_USEC_PER_SEC, "0:07" },
    { (gint64)754 * G_USEC_PER_SEC, "12:34" },
    { (gint64)3723 * G_USEC_PER_SEC, "1:02:03" },
    { (gint64)36000 * G_USEC_PER_SEC, "10:00:00" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = pl_format_duration (cases[i].us);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_registration_text (void)
{
  static const struct
  {
    const char *raw;
    const char *text;
  } cases[] = {
    { "401 Unauthorized", "Wrong user or password" },
    { " 403 Forbidden", "Wrong user or password" },
    { "407 Proxy Authentication Required", "Wrong user or password" },
    { "404 Not Found", "The server does not know this user" },
    { "408 Request Timeout", "The server does not answer" },
    { "Connection timed out [110]", "The server does not answer" },
    { "Connection refused [111]", "The server refused the connection" },
    { "503 Service Unavailable", "The server is temporarily unavailable" },
    { "DNS lookup failed", "The server name cannot be found" },
    { "", "Registration failed" },
    { NULL, "Registration failed" },
    { "599 Something odd", "Registration failed: 599 Something odd" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = pl_ui_registration_error_text (cases[i].raw);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_dial_keys (void)
{
  static const struct
  {
    guint keyval;
    char digit;
  } cases[] = {
    { GDK_KEY_0, '0' },        { GDK_KEY_9, '9' },           { GDK_KEY_KP_5, '5' },
    { GDK_KEY_asterisk, '*' }, { GDK_KEY_KP_Multiply, '*' }, { GDK_KEY_numbersign, '#' },
    { GDK_KEY_a, 0 },          { GDK_KEY_Return, 0 },        { GDK_KEY_plus, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char digit = 'x';
      g_assert_cmpint (pl_ui_is_dial_key (cases[i].keyval, &digit), ==, cases[i].digit != 0);
      g_assert_cmpint (digit, ==, cases[i].digit);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/ui/util/call-actions", test_call_actions);
  g_test_add_func ("/ui/util/can-dial", test_can_dial);
  g_test_add_func ("/ui/util/duration", test_duration);
  g_test_add_func ("/ui/util/registration-text", test_registration_text);
  g_test_add_func ("/ui/util/dial-keys", test_dial_keys);
  return g_test_run ();
}
