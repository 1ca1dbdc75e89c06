/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NOTIFY bodies shaped like the recorded Asterisk 22 / FreeSWITCH 1.10 ones
 * (test and demo infrastructure). Pure functions: test-pbx-bodies.c checks
 * them byte for byte against the traces. */
#define G_LOG_DOMAIN "pbx-bodies"

#include "pbx.h"

const char *
pbx_body_ctype (PbxBodyType t)
{
  switch (t)
    {
      case BODY_DIALOG:
        return "application/dialog-info+xml";
      case BODY_PIDF:
        return "application/pidf+xml";
      case BODY_XPIDF:
        return "application/xpidf+xml";
      case BODY_CPIM_PIDF:
        return "application/cpim-pidf+xml";
    }
  return "application/dialog-info+xml";
}

/* Asterisk picks the body from Accept (first type it knows, in the order
 * listed), falling back to the event's default when there is no Accept. */
gboolean
pbx_body_choose (const char *event, const char *accept, PbxBodyType *out)
{
  if (accept && *accept)
    {
      g_auto (GStrv) types = g_strsplit (accept, ",", -1);
      for (guint i = 0; types[i]; i++)
        {
          g_autofree char *t = g_strstrip (g_ascii_strdown (types[i], -1));
          char *semi = strchr (t, ';');
          if (semi)
            *semi = '\0';
          g_strstrip (t);
          if (g_str_equal (t, "application/dialog-info+xml"))
            return (*out = BODY_DIALOG, TRUE);
          if (g_str_equal (t, "application/pidf+xml"))
            return (*out = BODY_PIDF, TRUE);
          if (g_str_equal (t, "application/xpidf+xml"))
            return (*out = BODY_XPIDF, TRUE);
          if (g_str_equal (t, "application/cpim-pidf+xml"))
            return (*out = BODY_CPIM_PIDF, TRUE);
        }
    }
  if (g_ascii_strcasecmp (event, "dialog") == 0)
    return (*out = BODY_DIALOG, TRUE);
  if (g_ascii_strcasecmp (event, "presence") == 0)
    return (*out = BODY_PIDF, TRUE);
  return FALSE;
}

char *
pbx_random_token (guint len)
{
  static const char alpha[] = "abcdefghijklmnopqrstuvwxyz";
  char *s = g_malloc (len + 1);
  for (guint i = 0; i < len; i++)
    s[i] = alpha[g_random_int_range (0, 26)];
  s[len] = '\0';
  return s;
}

char *
pbx_body_dialog (const char *slot, const char *host, uint32_t version, bool busy,
                 PbxProfile profile, const char *ident_display, const char *ident_uri)
{
  GString *s = g_string_new (NULL);

  if (profile == PBX_PROFILE_FREESWITCH)
    {
      g_string_append_printf (s,
                              "<?xml version=\"1.0\"?>\n"
                              "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" "
                              "version=\"%u\" state=\"full\" entity=\"sip:park+%s@%s\">\n"
                              "<dialog id=\"%s\" direction=\"recipient\">\n",
                              version, slot, PBX_HOST, slot);
      if (!busy)
        {
          g_string_append (s, "<state>terminated</state>\n");
        }
      else
        {
          g_string_append_printf (s,
                                  "<state>confirmed</state>\n"
                                  "<local>\n"
                                  "<identity display=\"park\">sip:%s@%s;proto=park</identity>\n"
                                  "<target uri=\"sip:%s@%s;proto=park\">\n"
                                  "<param pname=\"+sip.rendering\" pvalue=\"no\"/>\n"
                                  "</target>\n"
                                  "</local>\n"
                                  "<remote>\n"
                                  "<identity display=\"park\">sip:%s</identity>\n"
                                  "<target uri=\"sip:park+%s@%s\"/>\n"
                                  "</remote>\n",
                                  slot, PBX_HOST, slot, PBX_HOST, slot, slot, PBX_HOST);
        }
      g_string_append (s, "</dialog>\n</dialog-info>\n");
      return g_string_free (s, FALSE);
    }

  g_string_append_printf (s,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" "
                          "version=\"%u\" state=\"full\" entity=\"sip:%s@%s\">\n",
                          version, slot, host);
  if (busy && profile == PBX_PROFILE_IDENTITY && ident_uri)
    {
      /* BroadWorks/Kamailio style: the parked caller is the remote party. */
      g_autofree char *disp = g_markup_escape_text (ident_display ? ident_display : "", -1);
      g_autofree char *uri = g_markup_escape_text (ident_uri, -1);
      g_string_append_printf (s,
                              " <dialog id=\"%s\" direction=\"recipient\">\n"
                              "  <remote>\n"
                              "   <identity display=\"%s\">%s</identity>\n"
                              "   <target uri=\"%s\" />\n"
                              "  </remote>\n"
                              "  <state>confirmed</state>\n"
                              " </dialog>\n",
                              slot, disp, uri, uri);
    }
  else
    {
      g_string_append_printf (s,
                              " <dialog id=\"%s\">\n"
                              "  <state>%s</state>\n"
                              " </dialog>\n",
                              slot, busy ? "confirmed" : "terminated");
    }
  g_string_append (s, "</dialog-info>\n");
  return g_string_free (s, FALSE);
}

char *
pbx_body_user_dialog (const char *ext, const char *host, uint32_t version, const char *state,
                      const char *rdisplay, const char *ruri, const char *ldisplay)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" "
                          "version=\"%u\" state=\"full\" entity=\"sip:%s@%s\">\n",
                          version, ext, host);
  if (g_str_equal (state, "early") && ruri)
    {
      g_autofree char *rd = g_markup_escape_text (rdisplay ? rdisplay : "", -1);
      g_autofree char *ld = g_markup_escape_text (ldisplay ? ldisplay : "", -1);
      g_string_append_printf (s,
                              " <dialog id=\"%s\" direction=\"recipient\">\n"
                              "  <remote>\n"
                              "   <identity display=\"%s\">%s</identity>\n"
                              "   <target uri=\"%s\" />\n"
                              "  </remote>\n"
                              "  <local>\n"
                              "   <identity display=\"%s\">sip:%s@%s</identity>\n"
                              "   <target uri=\"sip:%s@%s\" />\n"
                              "  </local>\n"
                              "  <state>early</state>\n"
                              " </dialog>\n",
                              ext, rd, ruri, ruri, ld, ext, PBX_HOST, ext, host);
    }
  else
    {
      g_string_append_printf (s,
                              " <dialog id=\"%s\">\n"
                              "  <state>%s</state>\n"
                              " </dialog>\n",
                              ext, state);
    }
  g_string_append (s, "</dialog-info>\n");
  return g_string_free (s, FALSE);
}

char *
pbx_body_pidf (const char *slot, const char *host, bool busy, const char *watcher,
               PbxProfile profile)
{
  if (profile == PBX_PROFILE_FREESWITCH)
    {
      return g_strdup_printf ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?> \n"
                              "<presence xmlns='urn:ietf:params:xml:ns:pidf' \n"
                              "xmlns:dm='urn:ietf:params:xml:ns:pidf:data-model' \n"
                              "xmlns:rpid='urn:ietf:params:xml:ns:pidf:rpid' \n"
                              "xmlns:c='urn:ietf:params:xml:ns:pidf:cipid' "
                              "entity='sip:park+%s@%s'>\n"
                              " <tuple id='t%s'>\n"
                              "  <status>\n"
                              "   <basic>open</basic>\n"
                              "  </status>\n"
                              " </tuple>\n"
                              " <dm:person id='p%s'>\n"
                              "%s"
                              "  <dm:note>%s</dm:note>\n"
                              " </dm:person>\n"
                              "</presence>\n",
                              slot, PBX_HOST, slot, slot,
                              busy ? "  <rpid:activities>\n"
                                     "   <rpid:on-the-phone/>\n"
                                     "  </rpid:activities>\n"
                                   : "",
                              busy ? "Holding" : "Empty");
    }
  return g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<presence entity=\"sip:%s@%s\" xmlns=\"urn:ietf:params:xml:ns:pidf\" "
                          "xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" "
                          "xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\">\n"
                          " <note>%s</note>\n"
                          " <tuple id=\"%s\">\n"
                          "  <status>\n"
                          "   <basic>open</basic>\n"
                          "  </status>\n"
                          "  <contact priority=\"1\">%s</contact>\n"
                          " </tuple>\n"
                          "%s"
                          "</presence>\n",
                          slot, host, busy ? "On the phone" : "Ready", slot, watcher,
                          busy ? " <dm:person>\n"
                                 "  <rpid:activities>\n"
                                 "   <rpid:on-the-phone />\n"
                                 "  </rpid:activities>\n"
                                 " </dm:person>\n"
                               : " <dm:person />\n");
}

char *
pbx_body_xpidf (const char *slot, const char *host, bool busy, const char *watcher)
{
  g_autofree char *atom = g_uuid_string_random ();
  return g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<presence>\n"
                          " <presentity uri=\"sip:%s@%s;method=SUBSCRIBE\" />\n"
                          " <atom atomid=\"%s\" id=\"%s\">\n"
                          "  <address uri=\"%s;user=ip\" priority=\"0.80000\">\n"
                          "   <status status=\"%s\" />\n"
                          "   <msnsubstatus substatus=\"%s\" />\n"
                          "  </address>\n"
                          " </atom>\n"
                          "</presence>\n",
                          slot, host, atom, slot, watcher, busy ? "inuse" : "open",
                          busy ? "onthephone" : "online");
}
