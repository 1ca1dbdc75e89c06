/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parsers for the bodies of SIP event NOTIFYs that describe park slots:
 * application/dialog-info+xml (RFC 4235), application/pidf+xml (RFC 3863 with
 * RPID) and application/xpidf+xml, and RFC 4662 multipart/related lists with
 * an application/rlmi+xml root.
 *
 * All parsers are pure functions over untrusted bytes: bodies larger than
 * PL_EVENT_BODY_MAX_SIZE, bodies that are not ASCII-compatible and bodies
 * carrying a DOCTYPE or entity declaration are refused before libxml2 sees
 * them; libxml2 runs with XML_PARSE_NONET and without entity substitution. */

#define PL_EVENT_BODY_MAX_SIZE (256 * 1024)

#define PL_EVENT_BODY_ERROR (pl_event_body_error_quark ())

typedef enum
{
  PL_EVENT_BODY_ERROR_TOO_LARGE,
  PL_EVENT_BODY_ERROR_FORBIDDEN,      /* DOCTYPE, entities, non-ASCII-compatible encodings */
  PL_EVENT_BODY_ERROR_MALFORMED,      /* not well-formed XML or MIME */
  PL_EVENT_BODY_ERROR_WRONG_DOCUMENT, /* well-formed, but not the expected root/namespace */
  PL_EVENT_BODY_ERROR_UNSUPPORTED,    /* a content type we do not parse */
} PlEventBodyError;

typedef enum
{
  PL_DIALOG_STATE_UNKNOWN,
  PL_DIALOG_STATE_TRYING,
  PL_DIALOG_STATE_PROCEEDING,
  PL_DIALOG_STATE_EARLY,
  PL_DIALOG_STATE_CONFIRMED,
  PL_DIALOG_STATE_TERMINATED,
} PlDialogState;

typedef enum
{
  PL_DIALOG_DIRECTION_UNKNOWN,
  PL_DIALOG_DIRECTION_INITIATOR,
  PL_DIALOG_DIRECTION_RECIPIENT,
} PlDialogDirection;

typedef struct
{
  char *display; /* NULL when absent */
  char *uri;     /* identity URI, NULL when absent */
  char *target;  /* <target uri=…>, NULL when absent */
} PlDialogParty;

typedef struct
{
  char *id;
  char *call_id;
  char *local_tag;
  char *remote_tag;
  PlDialogDirection direction;
  PlDialogState state;
  char *state_event; /* <state event="…">, e.g. "replaced", or NULL */
  int state_code;    /* <state code="…">, 0 when absent */
  PlDialogParty local;
  PlDialogParty remote;
} PlDialogInfoDialog;

typedef struct
{
  gboolean full;   /* state="full" (TRUE) or "partial" */
  guint32 version; /* the caller decides the ordering */
  char *entity;
  GPtrArray *dialogs; /* of PlDialogInfoDialog */
} PlDialogInfo;

typedef enum
{
  PL_PRESENCE_BASIC_UNKNOWN,
  PL_PRESENCE_BASIC_OPEN,
  PL_PRESENCE_BASIC_CLOSED,
} PlPresenceBasic;

typedef struct
{
  char *entity;
  PlPresenceBasic basic;
  gboolean on_the_phone; /* rpid:on-the-phone, or xpidf "inuse"/"onthephone" */
  char *note;            /* first <note> anywhere in the document, or NULL */
  gboolean busy;         /* the verdict for a park slot, see pl_presence_parse() */
} PlPresence;

typedef struct
{
  char *uri;
  char *name;                /* <name>, or NULL */
  char *instance_id;         /* NULL when the resource has no instance */
  char *instance_state;      /* "active", "pending", "terminated" or NULL */
  char *reason;              /* the instance's reason attribute, or NULL */
  char *cid;                 /* the instance's cid without angle brackets, or NULL */
  char *content_type;        /* media type of the matched part (no parameters), or NULL */
  PlDialogInfo *dialog_info; /* when the part was application/dialog-info+xml */
  PlPresence *presence;      /* when the part was PIDF or XPIDF */
} PlRlmiResource;

typedef struct
{
  char *uri;
  guint32 version;
  gboolean full_state;
  GPtrArray *resources; /* of PlRlmiResource */
} PlRlmiList;

GQuark pl_event_body_error_quark (void);

PlDialogInfo *pl_dialog_info_parse (const char *body, gsize length, GError **error);
void pl_dialog_info_free (PlDialogInfo *info);
gboolean pl_dialog_info_is_busy (const PlDialogInfo *info);
const char *pl_dialog_state_to_string (PlDialogState state);

PlPresence *pl_presence_parse (const char *body, gsize length, GError **error);
void pl_presence_free (PlPresence *presence);

PlRlmiList *pl_rlmi_parse_multipart (const char *content_type, const char *body, gsize length,
                                     GError **error);
void pl_rlmi_list_free (PlRlmiList *list);

/* TRUE when a NOTIFY body of one of the types above states the whole state
 * of its resource (dialog-info state="full", a PIDF or XPIDF document, an
 * RLMI list with fullState="true"), so it replaces whatever came before it;
 * *version is its version, 0 for types without one. FALSE when the body is
 * partial, unknown or broken. */
gboolean pl_event_body_is_full_state (const char *content_type, const char *body, gsize length,
                                      guint32 *version);

/* Content-Type helpers: the bare media type in lower case, and one parameter
 * (quoted or not, name case-insensitive). */
char *pl_content_type_dup_media_type (const char *content_type);
char *pl_content_type_dup_param (const char *content_type, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlDialogInfo, pl_dialog_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlPresence, pl_presence_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlRlmiList, pl_rlmi_list_free)

G_END_DECLS
