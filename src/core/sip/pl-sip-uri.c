/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-sip-uri"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pl-sip-uri.h"
#include "pl-quark.h"

PL_DEFINE_QUARK ("pl-sip-uri-error-quark", pl_sip_uri_error)

/* RFC 3261 user part: unreserved, escaped and user-unreserved characters. */
static gboolean
is_user_char (char c)
{
  return g_ascii_isalnum (c) || strchr ("-_.!~*'()%&=+$,;?/#", c) != NULL;
}

static gboolean
is_valid_user (const char *user, gsize len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!is_user_char (user[i]))
      return FALSE;
  return TRUE;
}

/* host[:port], host being a name, an IPv4 address or a bracketed IPv6 one. */
static gboolean
is_valid_hostport (const char *hostport, gsize len)
{
  const char *end = hostport + len;
  const char *p = hostport;

  if (len == 0)
    return FALSE;

  if (*p == '[')
    {
      const char *close = memchr (p, ']', len);
      if (close == NULL || close == p + 1)
        return FALSE;
      for (const char *q = p + 1; q < close; q++)
        if (!g_ascii_isxdigit (*q) && *q != ':' && *q != '.')
          return FALSE;
      p = close + 1;
    }
  else
    {
      const char *start = p;
      while (p < end && (g_ascii_isalnum (*p) || *p == '.' || *p == '-'))
        p++;
      if (p == start || *start == '.' || *start == '-' || p[-1] == '-')
        return FALSE;
    }

  if (p == end)
    return TRUE;
  if (*p != ':' || p + 1 == end || end - (p + 1) > 5)
    return FALSE;

  guint port = 0;
  for (p++; p < end; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      port = port * 10 + (guint)(*p - '0');
    }
  return port > 0 && port <= 65535;
}

/* Parameters after ';' are passed on as written, but must be printable
 * ASCII (RFC 3261 escapes everything else) without the angle brackets or
 * quotes that would break the engine's command line. */
static gboolean
is_valid_params (const char *params)
{
  for (const guchar *p = (const guchar *)params; *p; p++)
    if (*p <= ' ' || *p >= 0x7f || strchr ("<>\"", *p))
      return FALSE;
  return TRUE;
}

/* "user@host:port;params" or "host:port;params" after the scheme. */
static gboolean
is_valid_sip_body (const char *body)
{
  const char *params = strchr (body, ';');
  gsize main_len = params ? (gsize)(params - body) : strlen (body);
  const char *at = memchr (body, '@', main_len);

  if (params && !is_valid_params (params))
    return FALSE;
  if (at == NULL)
    return is_valid_hostport (body, main_len);
  return is_valid_user (body, (gsize)(at - body))
         && is_valid_hostport (at + 1, main_len - (gsize)(at - body) - 1);
}

static const char *
skip_scheme (const char *uri)
{
  if (g_ascii_strncasecmp (uri, "sip:", 4) == 0)
    return uri + 4;
  if (g_ascii_strncasecmp (uri, "sips:", 5) == 0)
    return uri + 5;
  return NULL;
}

gboolean
pl_sip_uri_is_valid (const char *uri)
{
  const char *body;

  if (uri == NULL)
    return FALSE;
  body = skip_scheme (uri);
  return body != NULL && is_valid_sip_body (body);
}

/* Dialable digits with the visual separators people type or paste removed;
 * NULL when the text is not a phone number. */
static char *
strip_phone_number (const char *text)
{
  g_autoptr (GString) digits = g_string_new (NULL);
  gboolean any = FALSE;

  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isdigit (*p) || *p == '*' || *p == '#')
        {
          g_string_append_c (digits, *p);
          any = TRUE;
        }
      else if (*p == '+' && digits->len == 0)
        g_string_append_c (digits, *p);
      else if (!strchr (" -.()/\t", *p))
        return NULL;
    }
  return any ? g_string_free (g_steal_pointer (&digits), FALSE) : NULL;
}

static char *
with_domain (const char *user, const char *default_domain, const char *input, GError **error)
{
  if (default_domain == NULL || *default_domain == '\0')
    {
      g_set_error (error, PL_SIP_URI_ERROR, PL_SIP_URI_ERROR_NO_DOMAIN,
                   _ ("“%s” needs a SIP account to dial: set one up in Preferences"), input);
      return NULL;
    }
  return g_strdup_printf ("sip:%s@%s", user, default_domain);
}

static char *
fail_invalid (GError **error, const char *input)
{
  g_set_error (error, PL_SIP_URI_ERROR, PL_SIP_URI_ERROR_INVALID,
               _ ("“%s” is not a phone number or SIP address"), input);
  return NULL;
}

/* Turns what a person typed or pasted into a SIP URI the engine can dial:
 * "201", "+49 (30) 1234-56", "tel:+4930123", "alice", "alice@example.org",
 * "sip:201@pbx:5062", "Caller <sip:201@pbx>". */
char *
pl_sip_uri_normalize (const char *input, const char *default_domain, GError **error)
{
  g_autofree char *text = NULL;
  const char *body;
  char *number;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  text = g_strstrip (g_strdup (input ? input : ""));
  if (*text == '\0')
    {
      g_set_error_literal (error, PL_SIP_URI_ERROR, PL_SIP_URI_ERROR_EMPTY,
                           _ ("Enter a number or a SIP address to call"));
      return NULL;
    }

  /* A pasted name-addr: keep what is inside the angle brackets. */
  {
    char *open = strchr (text, '<');
    char *close = open ? strchr (open, '>') : NULL;
    if (open && close && close > open + 1)
      {
        char *inner = g_strndup (open + 1, (gsize)(close - open - 1));
        g_free (text);
        text = g_strstrip (inner);
      }
  }

  if ((body = skip_scheme (text)) != NULL)
    {
      if (!is_valid_sip_body (body))
        return fail_invalid (error, input);
      return g_strconcat (g_ascii_strncasecmp (text, "sips:", 5) == 0 ? "sips:" : "sip:", body,
                          NULL);
    }

  if (g_ascii_strncasecmp (text, "tel:", 4) == 0)
    {
      g_autofree char *tel = g_strndup (text + 4, strcspn (text + 4, ";"));
      g_autofree char *digits = strip_phone_number (tel);
      if (digits == NULL)
        return fail_invalid (error, input);
      return with_domain (digits, default_domain, input, error);
    }

  if (strchr (text, '@') != NULL)
    {
      if (!is_valid_sip_body (text))
        return fail_invalid (error, input);
      return g_strconcat ("sip:", text, NULL);
    }

  if ((number = strip_phone_number (text)) != NULL)
    {
      char *uri = with_domain (number, default_domain, input, error);
      g_free (number);
      return uri;
    }

  if (!is_valid_user (text, strlen (text)) || strchr (text, ';') || strchr (text, '/'))
    return fail_invalid (error, input);
  return with_domain (text, default_domain, input, error);
}

static const char *
body_of (const char *uri)
{
  const char *body = skip_scheme (uri);
  if (body == NULL && g_ascii_strncasecmp (uri, "tel:", 4) == 0)
    body = uri + 4;
  return body ? body : uri;
}

char *
pl_sip_uri_dup_user (const char *uri)
{
  const char *body, *at, *stop;

  if (uri == NULL)
    return NULL;
  body = body_of (uri);
  stop = body + strcspn (body, ";>");
  at = memchr (body, '@', (gsize)(stop - body));
  if (at == NULL)
    return g_ascii_strncasecmp (uri, "tel:", 4) == 0 ? g_strndup (body, (gsize)(stop - body))
                                                     : NULL;
  return g_strndup (body, (gsize)(at - body));
}

char *
pl_sip_uri_dup_host (const char *uri)
{
  const char *body, *at, *start;

  if (uri == NULL)
    return NULL;
  body = body_of (uri);
  at = strchr (body, '@');
  start = at ? at + 1 : body;
  return g_strndup (start, strcspn (start, ";>?"));
}

/* "sip:201@pbx" → "201", "sip:pbx.example.org" → "pbx.example.org". */
char *
pl_sip_uri_dup_display_user (const char *uri)
{
  char *user = pl_sip_uri_dup_user (uri);
  return user ? user : pl_sip_uri_dup_host (uri);
}

/* What to call a party: its display name, else the user (or host) of its
 * URI; NULL when neither says anything, so the caller picks the words. */
char *
pl_sip_party_title (const char *name, const char *uri)
{
  g_autofree char *user = NULL;

  if (name != NULL && *name != '\0')
    return g_strdup (name);
  user = uri ? pl_sip_uri_dup_display_user (uri) : NULL;
  return user != NULL && *user != '\0' ? g_steal_pointer (&user) : NULL;
}

/* Two URIs name the same party when their user parts match: PBXs rewrite the
 * host (IP vs. name, ports) freely between legs of one call. */
gboolean
pl_sip_uri_same_user (const char *a, const char *b)
{
  g_autofree char *ua = pl_sip_uri_dup_user (a);
  g_autofree char *ub = pl_sip_uri_dup_user (b);
  return ua != NULL && ub != NULL && g_strcmp0 (ua, ub) == 0;
}

gboolean
pl_dtmf_is_valid (const char *digits)
{
  if (digits == NULL || *digits == '\0')
    return FALSE;
  for (const char *p = digits; *p; p++)
    if (!g_ascii_isdigit (*p) && !strchr ("*#ABCDabcd", *p))
      return FALSE;
  return TRUE;
}

static gboolean
is_printable_token (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (const guchar *p = (const guchar *)text; *p; p++)
    if (*p <= ' ' || *p >= 0x7f)
      return FALSE;
  return TRUE;
}

char *
pl_sip_refer_to_replaces (const char *target, const char *call_id, const char *to_tag,
                          const char *from_tag)
{
  /* hnv-unreserved and the unreserved marks may stay; everything else,
   * notably the '@' of many Call-IDs, is escaped. */
  static const char keep[] = "!*'()[]/?:+$";
  g_autofree char *id = NULL, *to = NULL, *from = NULL;

  if (!pl_sip_uri_is_valid (target) || strchr (target, '?') != NULL || !is_printable_token (call_id)
      || !is_printable_token (to_tag) || !is_printable_token (from_tag))
    return NULL;
  id = g_uri_escape_string (call_id, keep, FALSE);
  to = g_uri_escape_string (to_tag, keep, FALSE);
  from = g_uri_escape_string (from_tag, keep, FALSE);
  return g_strdup_printf ("<%s?Replaces=%s%%3Bto-tag%%3D%s%%3Bfrom-tag%%3D%s>", target, id, to,
                          from);
}
