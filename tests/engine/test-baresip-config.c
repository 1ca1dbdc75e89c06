/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-baresip-config"

#include "config.h"

#include <string.h>

#include "pl-baresip-config.h"
#include "pl-baresip-reregister.h"
#include "pl-engine.h"

static void
test_config_defaults (void)
{
  PlBaresipConfigParams params = { .ctrl_listen = "127.0.0.1:4000",
                                   .audio_player = "portaudio,pulse",
                                   .audio_source = "portaudio,pulse",
                                   .audio_alert = "portaudio,default" };
  g_autoptr (GError) error = NULL;
  g_autofree char *text = pl_baresip_config_text (&params, &error);

  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "module_path\t" PL_BARESIP_MODULE_PATH "\n"));
  g_assert_nonnull (strstr (text, "ctrl_tcp_listen\t127.0.0.1:4000\n"));
  g_assert_nonnull (strstr (text, "audio_player\tportaudio,pulse\n"));
  g_assert_nonnull (strstr (text, "audio_alert\tportaudio,default\n"));
  g_assert_nonnull (strstr (text, "module\tportaudio.so\n"));
  g_assert_nonnull (strstr (text, "module\tg711.so\n"));
  g_assert_nonnull (strstr (text, "module_app\tctrl_tcp.so\n"));
  g_assert_nonnull (strstr (text, "module_app\tmenu.so\n"));
  g_assert_nonnull (strstr (text, "module_app\taccount.so\n"));
  /* Nothing we did not ask for: no UI on stdin, no default 0.0.0.0 listen. */
  g_assert_null (strstr (text, "sip_listen"));
  g_assert_null (strstr (text, "stdio"));
  g_assert_null (strstr (text, "opus"));
  g_assert_null (strstr (text, "g722"));
  g_assert_null (strstr (text, "0.0.0.0"));
}

/* "portaudio," is PortAudio's default device: the usual desk's choice,
 * written without probing the devices. */
static void
test_config_default_device (void)
{
  PlBaresipConfigParams params = { .ctrl_listen = "127.0.0.1:4000",
                                   .audio_player = "portaudio,",
                                   .audio_source = "portaudio,",
                                   .audio_alert = "portaudio," };
  g_autoptr (GError) error = NULL;
  g_autofree char *text = pl_baresip_config_text (&params, &error);

  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "audio_player\tportaudio,\n"));
  g_assert_nonnull (strstr (text, "audio_source\tportaudio,\n"));
  g_assert_nonnull (strstr (text, "audio_alert\tportaudio,\n"));
}

static void
test_config_full (void)
{
  const char *extra[] = { "aufile.so", NULL };
  PlBaresipConfigParams params = { .ctrl_listen = "127.0.0.1:4000",
                                   .sip_listen = "127.0.0.1:5000",
                                   .net_interface = "127.0.0.1",
                                   .audio_source = "aufile,/tmp/tone.wav",
                                   .have_opus = TRUE,
                                   .have_g722 = TRUE,
                                   .extra_modules = extra };
  g_autofree char *text = pl_baresip_config_text (&params, NULL);
  const char *opus, *g722, *g711;

  g_assert_nonnull (strstr (text, "sip_listen\t127.0.0.1:5000\n"));
  g_assert_nonnull (strstr (text, "net_interface\t127.0.0.1\n"));
  g_assert_nonnull (strstr (text, "audio_source\taufile,/tmp/tone.wav\n"));
  g_assert_nonnull (strstr (text, "module\taufile.so\n"));
  opus = strstr (text, "module\topus.so");
  g722 = strstr (text, "module\tg722.so");
  g711 = strstr (text, "module\tg711.so");
  /* Preference order: wideband first. */
  g_assert_nonnull (opus);
  g_assert_nonnull (g722);
  g_assert_true (opus < g722);
  g_assert_true (g722 < g711);
}

typedef struct
{
  const char *name;
  PlBaresipConfigParams params;
} BadConfig;

static void
test_config_refused (void)
{
  const char *bad_module[] = { "x.so\nmodule_app evil.so", NULL };
  BadConfig cases[] = {
    { "no-ctrl", { .ctrl_listen = NULL } },
    { "ctrl-newline", { .ctrl_listen = "127.0.0.1:1\nsip_listen 0.0.0.0:5080" } },
    { "bare-portaudio", { .ctrl_listen = "127.0.0.1:1", .audio_player = "portaudio" } },
    { "empty-module", { .ctrl_listen = "127.0.0.1:1", .audio_alert = ",pulse" } },
    { "device-newline", { .ctrl_listen = "127.0.0.1:1", .audio_alert = "portaudio,a\nb" } },
    { "module-newline", { .ctrl_listen = "127.0.0.1:1", .extra_modules = bad_module } },
    { "listen-cr", { .ctrl_listen = "127.0.0.1:1", .sip_listen = "127.0.0.1:2\r" } },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = pl_baresip_config_text (&cases[i].params, &error);

      if (text != NULL)
        g_error ("case %s was accepted", cases[i].name);
      g_assert_error (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_SPAWN);
    }
}

typedef struct
{
  const char *user, *domain, *auth_user, *password, *proxy;
  PlTransport transport;
  const char *expected; /* NULL: refused */
} AccountCase;

static const AccountCase account_cases[] = {
  { "alice", "pbx.example", NULL, "secret", NULL, PL_TRANSPORT_UDP,
    "<sip:alice@pbx.example>;auth_pass=secret;regint=600" },
  { "alice", "pbx.example:5080", "a1", "s3cr=t,x!", NULL, PL_TRANSPORT_TCP,
    "<sip:alice@pbx.example:5080;transport=tcp>;auth_user=a1;auth_pass=s3cr=t,x!;regint=600" },
  { "101", "10.0.0.1", NULL, NULL, "proxy.example", PL_TRANSPORT_TLS,
    "<sip:101@10.0.0.1;transport=tls>;outbound=\"sip:proxy.example;lr\";regint=600" },
  { "101", "h", NULL, "pw", "sip:p.example;transport=tcp", PL_TRANSPORT_UDP,
    "<sip:101@h>;auth_pass=pw;outbound=\"sip:p.example;transport=tcp\";regint=600" },
  { "alice", "h", NULL, "pässwörd", NULL, PL_TRANSPORT_UDP,
    "<sip:alice@h>;auth_pass=pässwörd;regint=600" },
  /* Refused: each would end a field early or add a parameter. */
  { "alice", "h", NULL, "a;regint=0", NULL, PL_TRANSPORT_UDP, NULL },
  { "alice", "h", NULL, "two words", NULL, PL_TRANSPORT_UDP, NULL },
  { "alice", "h", NULL, "line\nbreak", NULL, PL_TRANSPORT_UDP, NULL },
  { "alice", "h", NULL, "tab\there", NULL, PL_TRANSPORT_UDP, NULL },
  { "alice", "h", NULL, "a>b", NULL, PL_TRANSPORT_UDP, NULL },
  { "alice", "h", NULL, "a<b", NULL, PL_TRANSPORT_UDP, NULL },
  { "alice", "h", NULL, "q\"uote", NULL, PL_TRANSPORT_UDP, NULL },
  { "al>ice", "h", NULL, "pw", NULL, PL_TRANSPORT_UDP, NULL },
  { "al;ice", "h", NULL, "pw", NULL, PL_TRANSPORT_UDP, NULL },
  { "al@ice", "h", NULL, "pw", NULL, PL_TRANSPORT_UDP, NULL },
  { "alice", "h>x", NULL, "pw", NULL, PL_TRANSPORT_UDP, NULL },
  { "alice", "h;transport=tcp", NULL, "pw", NULL, PL_TRANSPORT_UDP, NULL },
  { "alice", "h", "a;b", "pw", NULL, PL_TRANSPORT_UDP, NULL },
  { "alice", "h", NULL, "pw", "p\"x", PL_TRANSPORT_UDP, NULL },
  { "alice", "h", NULL, "pw", "p x", PL_TRANSPORT_UDP, NULL },
  { "", "h", NULL, "pw", NULL, PL_TRANSPORT_UDP, NULL },
  { "alice", "", NULL, "pw", NULL, PL_TRANSPORT_UDP, NULL },
};

static void
test_account_line (gconstpointer data)
{
  const AccountCase *c = data;
  g_autoptr (PlAccount) account = pl_account_new ("test");
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;

  pl_account_set_user (account, c->user);
  pl_account_set_domain (account, c->domain);
  if (c->auth_user)
    pl_account_set_auth_user (account, c->auth_user);
  if (c->password)
    pl_account_set_password (account, c->password);
  if (c->proxy)
    pl_account_set_outbound_proxy (account, c->proxy);
  pl_account_set_transport (account, c->transport);

  line = pl_baresip_account_line (account, 600, &error);
  if (c->expected == NULL)
    {
      g_assert_null (line);
      g_assert_error (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED);
      g_assert_nonnull (error->message);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_cmpstr (line, ==, c->expected);
    }
}

/* uadel names the agent as baresip files it: the URI inside the brackets. */
static void
test_account_line_aor (void)
{
  static const struct
  {
    const char *line, *aor;
  } cases[] = {
    { "<sip:100@pbx.example.org>;auth_pass=x;regint=600", "sip:100@pbx.example.org" },
    { "<sip:alice@127.0.0.1:5062;transport=tcp>;auth_user=a;regint=60",
      "sip:alice@127.0.0.1:5062" },
    { "<sip:100@pbx?x=y>", "sip:100@pbx" },
    { "<sip:100@[::1]:5070>;outbound=\"sip:proxy;lr\"", "sip:100@[::1]:5070" },
    { "<>;regint=600", NULL },
    { "sip:100@pbx", NULL },
    { "<sip:100@pbx", NULL },
    { NULL, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *aor = pl_baresip_account_line_aor (cases[i].line);

      g_assert_cmpstr (aor, ==, cases[i].aor);
    }
}

/* The engine's ALSA configuration: which of the heavy PCMs are muted,
 * given the user's own ALSA files, and which paths are refused. */
typedef struct
{
  const char *overlay_path;
  const char *user_a, *user_b;
  gboolean written;
  gboolean a52_muted, jack_muted;
} AlsaCase;

static const AlsaCase alsa_cases[] = {
  { "/run/pl/alsa-muted.conf", NULL, NULL, TRUE, TRUE, TRUE },
  /* the user's default goes through JACK: JACK stays */
  { "/run/pl/alsa-muted.conf", "pcm.!default { type plug slave.pcm \"jack\" }\n", NULL, TRUE, TRUE,
    FALSE },
  { "/run/pl/alsa-muted.conf", "pcm.!default a52:0\n", "pcm.x { type jack }", FALSE },
  { "/run/pl/alsa-muted.conf", "pcm.!default { type pulse }\n", "", TRUE, TRUE, TRUE },
  /* other names that contain them are not them */
  { "/run/pl/alsa-muted.conf", "pcm.xa52 { } pcm.jack_out { } # jackson", NULL, TRUE, TRUE, TRUE },
  { "/run/pl/alsa\"muted.conf", NULL, NULL, FALSE },
  { "/run/pl/alsa>muted.conf", NULL, NULL, FALSE },
  { "/run/pl/alsa\nmuted.conf", NULL, NULL, FALSE },
  { "alsa-muted.conf", NULL, NULL, FALSE },
};

static void
test_alsa_config (gconstpointer data)
{
  const AlsaCase *c = data;
  const char *user_texts[] = { c->user_a, c->user_b, NULL };
  g_autofree char *top = NULL, *overlay = NULL;
  g_autofree char *include = NULL;
  gboolean written;

  written = pl_baresip_alsa_config_text ("/usr/share/alsa/alsa.conf", c->overlay_path, user_texts,
                                         &top, &overlay);
  g_assert_cmpint (written, ==, c->written);
  if (!written)
    {
      g_assert_null (top);
      g_assert_null (overlay);
      return;
    }
  /* the system's file first, whole; the overlay by a hook after its own */
  g_assert_true (strstr (top, "\n</usr/share/alsa/alsa.conf>\n") != NULL);
  include = g_strdup_printf ("@hooks.1 {\n\tfunc load\n\tfiles [ \"%s\" ]\n", c->overlay_path);
  g_assert_true (strstr (top, include) != NULL);
  g_assert_cmpint (strstr (overlay, "\npcm.!a52 {}\n") != NULL, ==, c->a52_muted);
  g_assert_cmpint (strstr (overlay, "\npcm.!jack {}\n") != NULL, ==, c->jack_muted);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/baresip-config/defaults", test_config_defaults);
  g_test_add_func ("/baresip-config/full", test_config_full);
  g_test_add_func ("/baresip-config/default-device", test_config_default_device);
  g_test_add_func ("/baresip-config/refused", test_config_refused);
  g_test_add_func ("/baresip-config/account-line-aor", test_account_line_aor);
  for (gsize i = 0; i < G_N_ELEMENTS (alsa_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/baresip-config/alsa/%" G_GSIZE_FORMAT, i);
      g_test_add_data_func (path, &alsa_cases[i], test_alsa_config);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (account_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/baresip-config/account/%" G_GSIZE_FORMAT, i);
      g_test_add_data_func (path, &account_cases[i], test_account_line);
    }
  return g_test_run ();
}
