/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  PL_TRANSPORT_UDP,
  PL_TRANSPORT_TCP,
  PL_TRANSPORT_TLS,
} PlTransport;

typedef enum
{
  PL_REGISTRATION_NONE,
  PL_REGISTRATION_REGISTERING,
  PL_REGISTRATION_REGISTERED,
  PL_REGISTRATION_FAILED,
} PlRegistrationState;

#define PL_TYPE_ACCOUNT (pl_account_get_type ())
G_DECLARE_FINAL_TYPE (PlAccount, pl_account, PL, ACCOUNT, GObject)

PlAccount *pl_account_new (const char *id);
const char *pl_account_get_id (PlAccount *self);
const char *pl_account_get_display_name (PlAccount *self);
void pl_account_set_display_name (PlAccount *self, const char *value);
const char *pl_account_get_user (PlAccount *self);
void pl_account_set_user (PlAccount *self, const char *value);
const char *pl_account_get_domain (PlAccount *self);
void pl_account_set_domain (PlAccount *self, const char *value);
const char *pl_account_get_auth_user (PlAccount *self);
void pl_account_set_auth_user (PlAccount *self, const char *value);
PlTransport pl_account_get_transport (PlAccount *self);
void pl_account_set_transport (PlAccount *self, PlTransport value);
const char *pl_account_get_outbound_proxy (PlAccount *self);
void pl_account_set_outbound_proxy (PlAccount *self, const char *value);
/* Not a GObject property on purpose: it must never reach notify handlers,
 * GSettings bindings or debug dumps. */
const char *pl_account_get_password (PlAccount *self);
void pl_account_set_password (PlAccount *self, const char *value);
char *pl_account_dup_aor (PlAccount *self);
gboolean pl_account_is_complete (PlAccount *self);
PlRegistrationState pl_account_get_registration_state (PlAccount *self);
const char *pl_account_get_registration_error (PlAccount *self);
void pl_account_set_registration (PlAccount *self, PlRegistrationState state, const char *error);
const char *pl_transport_to_string (PlTransport transport);
gboolean pl_transport_from_string (const char *text, PlTransport *transport);

G_END_DECLS
