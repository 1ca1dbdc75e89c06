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
/* The Refer-To value of an attended transfer (RFC 5589): "<target?Replaces=
 * CALLID;to-tag=T;from-tag=F>" with the embedded header escaped as RFC 3261
 * wants (';' '=' '@' … as %XX). to_tag is the far end's tag of the dialog to
 * replace, from_tag ours. The angle brackets are part of it: a URI with
 * headers is only valid in name-addr form, and baresip 1.0.0 passes the
 * value through as given. NULL when a part is missing or target has
 * headers already. */
char *pl_sip_refer_to_replaces (const char *target, const char *call_id, const char *to_tag,
                                const char *from_tag);

G_END_DECLS
