/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The Asterisk manager interface (AMI) on the wire: text lines "Key: Value"
 * ending in CRLF, a message ends with an empty line, and the first line a
 * server sends is its banner ("Asterisk Call Manager/11.0.0"). */

/* Limits past which input is dropped, not buffered: a server (or anything
 * pretending to be one) cannot make the client grow without bound. */
#define PL_AMI_MAX_LINE    4096
#define PL_AMI_MAX_FIELDS  256
#define PL_AMI_MAX_MESSAGE (64 * 1024)

/* One message: its fields in the order they came. */
typedef struct
{
  GPtrArray *keys;   /* char *, never NULL, never empty */
  GPtrArray *values; /* char *, valid UTF-8, may be empty */
} PlAmiMessage;

PlAmiMessage *pl_ami_message_new (void);
void pl_ami_message_free (PlAmiMessage *message);
void pl_ami_message_add (PlAmiMessage *message, const char *key, const char *value);
guint pl_ami_message_get_n_fields (const PlAmiMessage *message);
const char *pl_ami_message_get_key (const PlAmiMessage *message, guint index);
const char *pl_ami_message_get_value (const PlAmiMessage *message, guint index);
/* The value of the first field named @key (case-insensitive), or NULL. */
const char *pl_ami_message_get (const PlAmiMessage *message, const char *key);
/* TRUE when the message has @key with exactly @value (the value compared
 * case-insensitively, as Asterisk matches event and response names). */
gboolean pl_ami_message_is (const PlAmiMessage *message, const char *key, const char *value);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlAmiMessage, pl_ami_message_free)

/* A streaming parser: feed it bytes as they arrive, take complete messages.
 * Malformed input (a line that is not "Key: Value", a NUL byte, a line,
 * field count or message over the limits) drops that message with a log
 * line and never stops the stream: parsing resumes after the next empty
 * line. Invalid UTF-8 in a value is repaired, not dropped (PBXs with legacy
 * caller names send Latin-1). */
typedef struct
{
  gboolean expect_banner; /* the next line is the banner */
  char *banner;           /* set once the banner line has been read */
  GByteArray *line;       /* the current, unfinished line */
  PlAmiMessage *current;  /* fields of the current message so far */
  gsize current_size;
  gboolean discarding; /* the current message is being dropped */
  gboolean line_too_long;
  guint n_dropped; /* messages dropped so far */
} PlAmiParser;

void pl_ami_parser_init (PlAmiParser *parser, gboolean expect_banner);
void pl_ami_parser_clear (PlAmiParser *parser);
/* Appends every message completed by @data to @messages (PlAmiMessage *,
 * the caller frees them). */
void pl_ami_parser_feed (PlAmiParser *parser, const char *data, gsize length, GPtrArray *messages);

/* The whole of @data at once: the messages (a new array that frees them)
 * and, with expect_banner, the banner (NULL if none was complete). */
GPtrArray *pl_ami_parse (const char *data, gsize length, gboolean expect_banner, char **banner);

/* An action as bytes on the wire: "Action: NAME", "ActionID: ID" (when not
 * NULL), then the NULL-terminated key/value pairs, then the empty line. NULL
 * when a key or value holds a line break or other control character, which
 * would inject fields of its own. */
char *pl_ami_action_build (const char *action, const char *action_id, ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
