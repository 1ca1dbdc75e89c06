/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PL_SIP_URI_ERROR (pl_sip_uri_error_quark ())

typedef enum
{
  PL_SIP_URI_ERROR_EMPTY,
  PL_SIP_URI_ERROR_INVALID,
  PL_SIP_URI_ERROR_NO_DOMAIN,
} PlSipUriError;

GQuark pl_sip_uri_error_quark (void);
char *pl_sip_uri_normalize (const char *input, const char *default_domain, GError **error);
gboolean pl_sip_uri_is_valid (const char *uri);
char *pl_sip_uri_dup_user (const char *uri);
char *pl_sip_uri_dup_host (const char *uri);
char *pl_sip_uri_dup_display_user (const char *uri);
char *pl_sip_party_title (const char *name, const char *uri);
gboolean pl_sip_uri_same_user (const char *a, const char *b);
gboolean pl_dtmf_is_valid (const char *digits);

G_END_DECLS
