/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-event-body"

#include "pl-event-body.h"
#include "pl-quark.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#define NS_DIALOG_INFO "urn:ietf:params:xml:ns:dialog-info"
#define NS_PIDF        "urn:ietf:params:xml:ns:pidf"
#define NS_PIDF_DM     "urn:ietf:params:xml:ns:pidf:data-model"
#define NS_RPID        "urn:ietf:params:xml:ns:pidf:rpid"
#define NS_RLMI        "urn:ietf:params:xml:ns:rlmi"

/* Park lots have tens of slots; a list of thousands is an attack. */
#define PL_RLMI_MAX_RESOURCES 1024

PL_DEFINE_QUARK ("pl-event-body-error-quark", pl_event_body_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

static gsize xml_initialized;

/* Looks for a byte sequence; memmem() would do, but it is a GNU extension and
 * the bodies are small. */
static gboolean
bytes_contain (const char *body, gsize length, const char *needle)
{
  gsize n = strlen (needle);

  if (n > length)
    return FALSE;
  for (gsize i = 0; i + n <= length; i++)
    if (body[i] == needle[0] && memcmp (body + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* The XML declaration may switch libxml2 to another encoding after our
 * byte scan; in EBCDIC, "LZ" reads as "<!". Only encodings in which ASCII
 * bytes mean ASCII characters are accepted. */
static gboolean
declared_encoding_is_safe (const char *body, gsize length)
{
  static const char *const allowed[] = { "UTF-8",      "UTF8",       "US-ASCII", "ASCII",
                                         "ISO-8859-1", "ISO_8859-1", "LATIN1",   "ISO-8859-15" };
  gsize start = 0, end;
  g_autofree char *decl = NULL;
  const char *enc;
  char quote;
  const char *close;

  if (length >= 3 && memcmp (body, "\xEF\xBB\xBF", 3) == 0)
    start = 3;
  if (length - start < 5 || memcmp (body + start, "<?xml", 5) != 0)
    return TRUE;
  for (end = start; end + 1 < length && end - start < 256; end++)
    if (body[end] == '?' && body[end + 1] == '>')
      break;
  decl = g_strndup (body + start, end - start);
  enc = strstr (decl, "encoding");
  if (enc == NULL)
    return TRUE;
  enc += strlen ("encoding");
  while (*enc == ' ' || *enc == '\t' || *enc == '\r' || *enc == '\n' || *enc == '=')
    enc++;
  quote = *enc;
  if (quote != '"' && quote != '\'')
    return FALSE;
  close = strchr (enc + 1, quote);
  if (close == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    if (strlen (allowed[i]) == (gsize)(close - enc - 1)
        && g_ascii_strncasecmp (enc + 1, allowed[i], close - enc - 1) == 0)
      return TRUE;
  return FALSE;
}

/* Everything hostile is refused here, before libxml2 runs: the size cap, any
 * markup declaration (so neither internal entity bombs nor external entities
 * can exist), and encodings in which the byte scan for "<!" could be fooled
 * (UTF-16/32 put NUL bytes between the ASCII characters). */
static xmlDoc *
read_xml (const char *body, gsize length, GError **error)
{
  xmlDoc *doc;
  int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;

  if (body == NULL || length == 0)
    {
      g_set_error_literal (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_MALFORMED,
                           "empty XML body");
      return NULL;
    }
  if (length > PL_EVENT_BODY_MAX_SIZE)
    {
      g_set_error (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_TOO_LARGE,
                   "XML body of %" G_GSIZE_FORMAT " bytes exceeds the limit of %d", length,
                   PL_EVENT_BODY_MAX_SIZE);
      return NULL;
    }
  if (memchr (body, '\0', length) != NULL)
    {
      g_set_error_literal (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_FORBIDDEN,
                           "XML body contains NUL bytes (UTF-16/32 is not accepted)");
      return NULL;
    }
  if (!declared_encoding_is_safe (body, length))
    {
      g_set_error_literal (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_FORBIDDEN,
                           "XML body declares an encoding that is not ASCII-compatible");
      return NULL;
    }
  if (bytes_contain (body, length, "<!DOCTYPE") || bytes_contain (body, length, "<!ENTITY")
      || bytes_contain (body, length, "<!doctype") || bytes_contain (body, length, "<!ELEMENT")
      || bytes_contain (body, length, "<!ATTLIST"))
    {
      g_set_error_literal (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_FORBIDDEN,
                           "XML body contains a document type or entity declaration");
      return NULL;
    }

  /* libxml2 wants its globals set up once before any thread parses */
  if (g_once_init_enter (&xml_initialized))
    {
      xmlInitParser ();
      g_once_init_leave (&xml_initialized, 1);
    }
  doc = xmlReadMemory (body, (int)length, "notify.xml", NULL, options);
  if (doc == NULL)
    {
      const xmlError *xerr = xmlGetLastError ();
      g_autofree char *message = g_strdup (xerr && xerr->message ? xerr->message : "unknown error");

      g_set_error (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_MALFORMED,
                   "XML body is not well-formed: %s", g_strchomp (message));
      xmlResetLastError ();
      return NULL;
    }
  /* Belt and braces: the byte scan above should make this unreachable. */
  if (doc->intSubset != NULL || doc->extSubset != NULL)
    {
      xmlFreeDoc (doc);
      g_set_error_literal (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_FORBIDDEN,
                           "XML body declares a document type");
      return NULL;
    }
  return doc;
}

static gboolean
node_is (const xmlNode *node, const char *ns, const char *name)
{
  if (node == NULL || node->type != XML_ELEMENT_NODE)
    return FALSE;
  if (g_strcmp0 ((const char *)node->name, name) != 0)
    return FALSE;
  if (ns == NULL)
    return node->ns == NULL || node->ns->href == NULL;
  return node->ns != NULL && g_strcmp0 ((const char *)node->ns->href, ns) == 0;
}

static xmlNode *
first_child (const xmlNode *node, const char *ns, const char *name)
{
  for (xmlNode *c = node ? node->children : NULL; c != NULL; c = c->next)
    if (node_is (c, ns, name))
      return c;
  return NULL;
}

/* Attribute values are unqualified in all these formats. */
static char *
dup_attr (const xmlNode *node, const char *name)
{
  xmlChar *value;
  char *copy;

  if (node == NULL)
    return NULL;
  value = xmlGetNoNsProp (node, (const xmlChar *)name);
  if (value == NULL)
    return NULL;
  copy = g_strdup ((const char *)value);
  xmlFree (value);
  return copy;
}

static char *
dup_text (const xmlNode *node)
{
  xmlChar *value;
  char *copy;

  if (node == NULL)
    return NULL;
  value = xmlNodeGetContent (node);
  if (value == NULL)
    return NULL;
  copy = g_strstrip (g_strdup ((const char *)value));
  xmlFree (value);
  if (*copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

/* An unsigned 32-bit decimal; anything else is a protocol error. */
static gboolean
parse_version (const char *text, guint32 *out)
{
  guint64 v;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &v, NULL))
    return FALSE;
  *out = (guint32)v;
  return TRUE;
}

/* ---- dialog-info ---------------------------------------------------------- */

static void
party_clear (PlDialogParty *party)
{
  g_clear_pointer (&party->display, g_free);
  g_clear_pointer (&party->uri, g_free);
  g_clear_pointer (&party->target, g_free);
}

static void
dialog_free (PlDialogInfoDialog *dialog)
{
  g_free (dialog->id);
  g_free (dialog->call_id);
  g_free (dialog->local_tag);
  g_free (dialog->remote_tag);
  g_free (dialog->state_event);
  party_clear (&dialog->local);
  party_clear (&dialog->remote);
  g_free (dialog);
}

void
pl_dialog_info_free (PlDialogInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->entity);
  g_ptr_array_unref (info->dialogs);
  g_free (info);
}

static const char *const dialog_state_names[] = {
  [PL_DIALOG_STATE_UNKNOWN] = "unknown",       [PL_DIALOG_STATE_TRYING] = "trying",
  [PL_DIALOG_STATE_PROCEEDING] = "proceeding", [PL_DIALOG_STATE_EARLY] = "early",
  [PL_DIALOG_STATE_CONFIRMED] = "confirmed",   [PL_DIALOG_STATE_TERMINATED] = "terminated",
};

const char *
pl_dialog_state_to_string (PlDialogState state)
{
  if ((guint)state >= G_N_ELEMENTS (dialog_state_names))
    return "unknown";
  return dialog_state_names[state];
}

static PlDialogState
dialog_state_from_string (const char *text)
{
  for (guint i = 1; text != NULL && i < G_N_ELEMENTS (dialog_state_names); i++)
    if (g_ascii_strcasecmp (text, dialog_state_names[i]) == 0)
      return (PlDialogState)i;
  return PL_DIALOG_STATE_UNKNOWN;
}

static void
parse_party (const xmlNode *node, PlDialogParty *party)
{
  xmlNode *identity = first_child (node, NS_DIALOG_INFO, "identity");
  xmlNode *target = first_child (node, NS_DIALOG_INFO, "target");

  if (identity != NULL)
    {
      party->display = dup_attr (identity, "display");
      party->uri = dup_text (identity);
    }
  if (target != NULL)
    party->target = dup_attr (target, "uri");
}

static PlDialogInfoDialog *
parse_dialog (const xmlNode *node)
{
  PlDialogInfoDialog *dialog = g_new0 (PlDialogInfoDialog, 1);
  g_autofree char *direction = dup_attr (node, "direction");
  xmlNode *state = first_child (node, NS_DIALOG_INFO, "state");

  dialog->id = dup_attr (node, "id");
  dialog->call_id = dup_attr (node, "call-id");
  dialog->local_tag = dup_attr (node, "local-tag");
  dialog->remote_tag = dup_attr (node, "remote-tag");
  if (g_strcmp0 (direction, "initiator") == 0)
    dialog->direction = PL_DIALOG_DIRECTION_INITIATOR;
  else if (g_strcmp0 (direction, "recipient") == 0)
    dialog->direction = PL_DIALOG_DIRECTION_RECIPIENT;

  if (state != NULL)
    {
      g_autofree char *text = dup_text (state);
      g_autofree char *code = dup_attr (state, "code");
      guint64 v;

      dialog->state = dialog_state_from_string (text);
      dialog->state_event = dup_attr (state, "event");
      if (code != NULL && g_ascii_string_to_unsigned (code, 10, 100, 699, &v, NULL))
        dialog->state_code = (int)v;
    }
  parse_party (first_child (node, NS_DIALOG_INFO, "local"), &dialog->local);
  parse_party (first_child (node, NS_DIALOG_INFO, "remote"), &dialog->remote);
  return dialog;
}

PlDialogInfo *
pl_dialog_info_parse (const char *body, gsize length, GError **error)
{
  g_autoptr (xmlDoc) doc = NULL;
  g_autoptr (PlDialogInfo) info = NULL;
  g_autofree char *version = NULL;
  g_autofree char *state = NULL;
  xmlNode *root;

  doc = read_xml (body, length, error);
  if (doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  if (!node_is (root, NS_DIALOG_INFO, "dialog-info"))
    {
      g_set_error_literal (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_WRONG_DOCUMENT,
                           "not a dialog-info document in the RFC 4235 namespace");
      return NULL;
    }

  info = g_new0 (PlDialogInfo, 1);
  info->dialogs = g_ptr_array_new_with_free_func ((GDestroyNotify)dialog_free);
  info->entity = dup_attr (root, "entity");
  version = dup_attr (root, "version");
  state = dup_attr (root, "state");
  if (!parse_version (version, &info->version))
    {
      g_set_error (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_WRONG_DOCUMENT,
                   "dialog-info has an invalid version “%s”", version ? version : "(none)");
      return NULL;
    }
  if (g_strcmp0 (state, "full") == 0)
    info->full = TRUE;
  else if (g_strcmp0 (state, "partial") == 0)
    info->full = FALSE;
  else
    {
      g_set_error (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_WRONG_DOCUMENT,
                   "dialog-info has an invalid state “%s”", state ? state : "(none)");
      return NULL;
    }

  for (xmlNode *c = root->children; c != NULL; c = c->next)
    if (node_is (c, NS_DIALOG_INFO, "dialog"))
      g_ptr_array_add (info->dialogs, parse_dialog (c));

  return g_steal_pointer (&info);
}

gboolean
pl_dialog_info_is_busy (const PlDialogInfo *info)
{
  g_return_val_if_fail (info != NULL, FALSE);

  for (guint i = 0; i < info->dialogs->len; i++)
    {
      const PlDialogInfoDialog *d = g_ptr_array_index (info->dialogs, i);

      if (d->state != PL_DIALOG_STATE_TERMINATED)
        return TRUE;
    }
  return FALSE;
}

/* ---- PIDF / XPIDF --------------------------------------------------------- */

void
pl_presence_free (PlPresence *presence)
{
  if (presence == NULL)
    return;
  g_free (presence->entity);
  g_free (presence->note);
  g_free (presence);
}

/* The depth limit keeps the walk bounded even though libxml2 already refuses
 * documents nested deeper than 256 levels. */
static void
scan_pidf (const xmlNode *node, PlPresence *presence, guint depth)
{
  if (depth > 32)
    return;
  for (const xmlNode *c = node->children; c != NULL; c = c->next)
    {
      if (c->type != XML_ELEMENT_NODE)
        continue;
      if (node_is (c, NS_RPID, "on-the-phone"))
        presence->on_the_phone = TRUE;
      else if (presence->note == NULL
               && (node_is (c, NS_PIDF, "note") || node_is (c, NS_PIDF_DM, "note")
                   || node_is (c, NS_RPID, "note")))
        presence->note = dup_text (c);
      else if (presence->basic == PL_PRESENCE_BASIC_UNKNOWN && node_is (c, NS_PIDF, "basic"))
        {
          g_autofree char *basic = dup_text (c);

          if (g_strcmp0 (basic, "open") == 0)
            presence->basic = PL_PRESENCE_BASIC_OPEN;
          else if (g_strcmp0 (basic, "closed") == 0)
            presence->basic = PL_PRESENCE_BASIC_CLOSED;
        }
      scan_pidf (c, presence, depth + 1);
    }
}

/* XPIDF as Asterisk sends it: <presence><atom><address><status status="open|inuse|closed"/>
 * <msnsubstatus substatus="online|onthephone"/>. */
static void
scan_xpidf (const xmlNode *root, PlPresence *presence)
{
  xmlNode *presentity = first_child (root, NULL, "presentity");

  presence->entity = dup_attr (presentity, "uri");
  for (xmlNode *atom = root->children; atom != NULL; atom = atom->next)
    {
      if (!node_is (atom, NULL, "atom"))
        continue;
      for (xmlNode *addr = atom->children; addr != NULL; addr = addr->next)
        {
          g_autofree char *status = NULL;
          g_autofree char *substatus = NULL;

          if (!node_is (addr, NULL, "address"))
            continue;
          status = dup_attr (first_child (addr, NULL, "status"), "status");
          substatus = dup_attr (first_child (addr, NULL, "msnsubstatus"), "substatus");
          if (g_strcmp0 (status, "inuse") == 0 || g_strcmp0 (substatus, "onthephone") == 0)
            presence->on_the_phone = TRUE;
          if (g_strcmp0 (status, "open") == 0 || g_strcmp0 (status, "inuse") == 0)
            presence->basic = PL_PRESENCE_BASIC_OPEN;
          else if (g_strcmp0 (status, "closed") == 0)
            presence->basic = PL_PRESENCE_BASIC_CLOSED;
        }
    }
}

/* Asterisk keeps <basic>open</basic> whether a slot is busy or not, so basic
 * says nothing. Busy is on-the-phone, or a note a PBX uses for an occupied
 * slot ("On the phone" from Asterisk, "Holding" from FreeSWITCH valet_park);
 * "Ready"/"Empty" or no note mean free. */
static gboolean
note_means_busy (const char *note)
{
  static const char *const busy_notes[] = { "On the phone", "Holding", "Busy", "In use" };

  for (guint i = 0; note != NULL && i < G_N_ELEMENTS (busy_notes); i++)
    if (g_ascii_strcasecmp (note, busy_notes[i]) == 0)
      return TRUE;
  return FALSE;
}

PlPresence *
pl_presence_parse (const char *body, gsize length, GError **error)
{
  g_autoptr (xmlDoc) doc = NULL;
  g_autoptr (PlPresence) presence = NULL;
  xmlNode *root;

  doc = read_xml (body, length, error);
  if (doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  presence = g_new0 (PlPresence, 1);
  if (node_is (root, NS_PIDF, "presence"))
    {
      presence->entity = dup_attr (root, "entity");
      scan_pidf (root, presence, 0);
    }
  else if (node_is (root, NULL, "presence"))
    scan_xpidf (root, presence);
  else
    {
      g_set_error_literal (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_WRONG_DOCUMENT,
                           "not a PIDF or XPIDF presence document");
      return NULL;
    }
  presence->busy = presence->on_the_phone || note_means_busy (presence->note);
  return g_steal_pointer (&presence);
}

/* ---- Content-Type --------------------------------------------------------- */

char *
pl_content_type_dup_media_type (const char *content_type)
{
  const char *semi;

  if (content_type == NULL)
    return NULL;
  semi = strchr (content_type, ';');
  return g_strstrip (g_ascii_strdown (content_type, semi ? semi - content_type : -1));
}

/* RFC 2045 parameters: name=token or name="quoted\"string"; separators
 * inside quotes do not split. */
char *
pl_content_type_dup_param (const char *content_type, const char *name)
{
  const char *p;
  gsize name_len;

  g_return_val_if_fail (name != NULL, NULL);
  if (content_type == NULL)
    return NULL;
  name_len = strlen (name);
  p = strchr (content_type, ';');
  while (p != NULL && *p == ';')
    {
      const char *key;
      g_autoptr (GString) value = g_string_new (NULL);
      gboolean match;

      p++;
      while (*p == ' ' || *p == '\t')
        p++;
      key = p;
      while (*p != '\0' && *p != '=' && *p != ';')
        p++;
      match = (gsize)(p - key) >= name_len && g_ascii_strncasecmp (key, name, name_len) == 0;
      if (match)
        {
          /* allow whitespace between the name and '=' */
          for (const char *k = key + name_len; k < p; k++)
            if (*k != ' ' && *k != '\t')
              match = FALSE;
        }
      if (*p != '=')
        continue;
      p++;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '"')
        {
          p++;
          while (*p != '\0' && *p != '"')
            {
              if (*p == '\\' && p[1] != '\0')
                p++;
              g_string_append_c (value, *p++);
            }
          if (*p == '"')
            p++;
          while (*p != '\0' && *p != ';')
            p++;
        }
      else
        {
          while (*p != '\0' && *p != ';')
            g_string_append_c (value, *p++);
          g_strchomp (value->str);
          value->len = strlen (value->str);
        }
      if (match)
        return g_string_free (g_steal_pointer (&value), FALSE);
    }
  return NULL;
}

/* ---- multipart/related + RLMI -------------------------------------------- */

typedef struct
{
  char *content_type;
  char *content_id; /* without angle brackets */
  const char *body;
  gsize length;
  gboolean used; /* each part belongs to one resource (RFC 4662 §5.2) */
} MimePart;

static void
mime_part_free (MimePart *part)
{
  g_free (part->content_type);
  g_free (part->content_id);
  g_free (part);
}

static char *
strip_angles (const char *value)
{
  g_autofree char *copy = g_strstrip (g_strdup (value));
  gsize len = strlen (copy);

  if (len >= 2 && copy[0] == '<' && copy[len - 1] == '>')
    return g_strndup (copy + 1, len - 2);
  return g_steal_pointer (&copy);
}

/* Finds the next line starting with "--boundary" at or after from; returns
 * its offset or -1. */
static gssize
find_delimiter (const char *body, gsize length, gsize from, const char *dash_boundary,
                gsize dash_len)
{
  for (gsize i = from; i + dash_len <= length; i++)
    {
      if ((i == 0 || body[i - 1] == '\n') && memcmp (body + i, dash_boundary, dash_len) == 0)
        return (gssize)i;
    }
  return -1;
}

/* Splits one part into headers and body; the blank line may be CRLF CRLF or
 * bare LF LF (traces and some stacks). */
static MimePart *
parse_part (const char *start, gsize length)
{
  MimePart *part = g_new0 (MimePart, 1);
  gsize pos = 0;

  while (pos < length)
    {
      gsize eol = pos;
      gsize next;
      g_autofree char *line = NULL;
      char *colon;

      while (eol < length && start[eol] != '\n')
        eol++;
      next = eol < length ? eol + 1 : eol;
      if (eol > pos && start[eol - 1] == '\r')
        eol--;
      if (eol == pos)
        {
          pos = next;
          break;
        }
      line = g_strndup (start + pos, eol - pos);
      pos = next;
      colon = strchr (line, ':');
      if (colon == NULL)
        continue;
      *colon = '\0';
      g_strstrip (line);
      if (g_ascii_strcasecmp (line, "Content-Type") == 0 || g_ascii_strcasecmp (line, "c") == 0)
        {
          g_free (part->content_type);
          part->content_type = g_strstrip (g_strdup (colon + 1));
        }
      else if (g_ascii_strcasecmp (line, "Content-ID") == 0)
        {
          g_free (part->content_id);
          part->content_id = strip_angles (colon + 1);
        }
    }
  part->body = start + pos;
  part->length = length - pos;
  return part;
}

static GPtrArray *
split_multipart (const char *body, gsize length, const char *boundary, GError **error)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify)mime_part_free);
  g_autofree char *dash_boundary = g_strconcat ("--", boundary, NULL);
  gsize dash_len = strlen (dash_boundary);
  gssize pos = find_delimiter (body, length, 0, dash_boundary, dash_len);
  gboolean closed = FALSE;

  if (pos < 0)
    {
      g_set_error (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_MALFORMED,
                   "multipart body has no “%s” delimiter", dash_boundary);
      return NULL;
    }
  while (pos >= 0 && !closed)
    {
      gsize content;
      gssize next;
      gsize end;

      content = (gsize)pos + dash_len;
      if (content + 2 <= length && body[content] == '-' && body[content + 1] == '-')
        {
          closed = TRUE;
          break;
        }
      /* transport padding, then the end of the delimiter line */
      while (content < length && body[content] != '\n')
        content++;
      if (content < length)
        content++;
      next = find_delimiter (body, length, content, dash_boundary, dash_len);
      if (next < 0)
        {
          g_set_error_literal (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_MALFORMED,
                               "multipart body ends without a closing delimiter");
          return NULL;
        }
      /* the line break before a delimiter belongs to the delimiter */
      end = (gsize)next;
      if (end > content && body[end - 1] == '\n')
        end--;
      if (end > content && body[end - 1] == '\r')
        end--;
      if (parts->len >= 1024)
        {
          g_set_error_literal (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_MALFORMED,
                               "multipart body has too many parts");
          return NULL;
        }
      g_ptr_array_add (parts, parse_part (body + content, end - content));
      pos = next;
    }
  if (!closed)
    {
      g_set_error_literal (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_MALFORMED,
                           "multipart body ends without a closing delimiter");
      return NULL;
    }
  return g_steal_pointer (&parts);
}

static void
rlmi_resource_free (PlRlmiResource *res)
{
  g_free (res->uri);
  g_free (res->name);
  g_free (res->instance_id);
  g_free (res->instance_state);
  g_free (res->reason);
  g_free (res->cid);
  g_free (res->content_type);
  pl_dialog_info_free (res->dialog_info);
  pl_presence_free (res->presence);
  g_free (res);
}

void
pl_rlmi_list_free (PlRlmiList *list)
{
  if (list == NULL)
    return;
  g_free (list->uri);
  g_ptr_array_unref (list->resources);
  g_free (list);
}

static MimePart *
find_part_by_cid (GPtrArray *parts, const char *cid)
{
  for (guint i = 0; cid != NULL && i < parts->len; i++)
    {
      MimePart *part = g_ptr_array_index (parts, i);

      if (part->content_id != NULL && g_strcmp0 (part->content_id, cid) == 0)
        return part;
    }
  return NULL;
}

/* A bad part spoils only its own resource: the rest of the list still
 * carries good news about the other slots. */
static void
attach_part (PlRlmiResource *res, const MimePart *part)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *media = pl_content_type_dup_media_type (part->content_type);

  res->content_type = g_strdup (media);
  if (g_strcmp0 (media, "application/dialog-info+xml") == 0)
    res->dialog_info = pl_dialog_info_parse (part->body, part->length, &error);
  else if (g_strcmp0 (media, "application/pidf+xml") == 0
           || g_strcmp0 (media, "application/xpidf+xml") == 0)
    res->presence = pl_presence_parse (part->body, part->length, &error);
  else
    g_debug ("RLMI resource %s: ignoring part of type %s", res->uri, media ? media : "(none)");
  if (error != NULL)
    g_debug ("RLMI resource %s: bad part: %s", res->uri, error->message);
}

static PlRlmiResource *
parse_resource (const xmlNode *node, GPtrArray *parts)
{
  PlRlmiResource *res = g_new0 (PlRlmiResource, 1);
  xmlNode *chosen = NULL;

  res->uri = dup_attr (node, "uri");
  res->name = dup_text (first_child (node, NS_RLMI, "name"));
  /* Prefer an instance that carries a body; RFC 4662 allows several. */
  for (xmlNode *c = node->children; c != NULL; c = c->next)
    {
      if (!node_is (c, NS_RLMI, "instance"))
        continue;
      if (chosen == NULL)
        chosen = c;
      if (xmlHasProp (c, (const xmlChar *)"cid"))
        {
          chosen = c;
          break;
        }
    }
  if (chosen != NULL)
    {
      g_autofree char *cid = dup_attr (chosen, "cid");
      MimePart *part;

      res->instance_id = dup_attr (chosen, "id");
      res->instance_state = dup_attr (chosen, "state");
      res->reason = dup_attr (chosen, "reason");
      res->cid = cid ? strip_angles (cid) : NULL;
      part = find_part_by_cid (parts, res->cid);
      if (part != NULL && part->used)
        g_debug ("RLMI resource %s: part <%s> already used", res->uri, res->cid);
      else if (part != NULL)
        {
          /* parsing a part once bounds the work for hostile lists */
          part->used = TRUE;
          attach_part (res, part);
        }
      else if (res->cid != NULL)
        g_debug ("RLMI resource %s: no part with Content-ID <%s>", res->uri, res->cid);
    }
  return res;
}

PlRlmiList *
pl_rlmi_parse_multipart (const char *content_type, const char *body, gsize length, GError **error)
{
  g_autofree char *media = pl_content_type_dup_media_type (content_type);
  g_autofree char *boundary = pl_content_type_dup_param (content_type, "boundary");
  g_autofree char *type = pl_content_type_dup_param (content_type, "type");
  g_autofree char *start = pl_content_type_dup_param (content_type, "start");
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (xmlDoc) doc = NULL;
  g_autoptr (PlRlmiList) list = NULL;
  g_autofree char *version = NULL;
  g_autofree char *full_state = NULL;
  MimePart *root_part = NULL;
  xmlNode *root;

  if (g_strcmp0 (media, "multipart/related") != 0
      || (type != NULL && g_ascii_strcasecmp (type, "application/rlmi+xml") != 0))
    {
      g_set_error (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_UNSUPPORTED,
                   "not an RFC 4662 list body: %s", content_type ? content_type : "(none)");
      return NULL;
    }
  if (boundary == NULL || *boundary == '\0' || strlen (boundary) > 70)
    {
      g_set_error_literal (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_MALFORMED,
                           "multipart/related without a valid boundary parameter");
      return NULL;
    }
  if (body == NULL || length > PL_EVENT_BODY_MAX_SIZE)
    {
      g_set_error (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_TOO_LARGE,
                   "multipart body of %" G_GSIZE_FORMAT " bytes exceeds the limit of %d", length,
                   PL_EVENT_BODY_MAX_SIZE);
      return NULL;
    }

  parts = split_multipart (body, length, boundary, error);
  if (parts == NULL)
    return NULL;
  if (start != NULL)
    {
      g_autofree char *start_id = strip_angles (start);

      root_part = find_part_by_cid (parts, start_id);
    }
  if (root_part == NULL && parts->len > 0)
    root_part = g_ptr_array_index (parts, 0);
  if (root_part == NULL)
    {
      g_set_error_literal (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_MALFORMED,
                           "multipart body has no parts");
      return NULL;
    }
  {
    g_autofree char *root_media = pl_content_type_dup_media_type (root_part->content_type);

    if (g_strcmp0 (root_media, "application/rlmi+xml") != 0)
      {
        g_set_error (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_WRONG_DOCUMENT,
                     "root part is %s, not application/rlmi+xml",
                     root_media ? root_media : "(untyped)");
        return NULL;
      }
  }

  doc = read_xml (root_part->body, root_part->length, error);
  if (doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  if (!node_is (root, NS_RLMI, "list"))
    {
      g_set_error_literal (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_WRONG_DOCUMENT,
                           "RLMI root is not <list> in the RFC 4662 namespace");
      return NULL;
    }
  list = g_new0 (PlRlmiList, 1);
  list->resources = g_ptr_array_new_with_free_func ((GDestroyNotify)rlmi_resource_free);
  list->uri = dup_attr (root, "uri");
  version = dup_attr (root, "version");
  full_state = dup_attr (root, "fullState");
  if (!parse_version (version, &list->version))
    {
      g_set_error (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_WRONG_DOCUMENT,
                   "RLMI list has an invalid version “%s”", version ? version : "(none)");
      return NULL;
    }
  list->full_state = g_strcmp0 (full_state, "true") == 0 || g_strcmp0 (full_state, "1") == 0;
  root_part->used = TRUE;
  for (xmlNode *c = root->children; c != NULL; c = c->next)
    {
      if (!node_is (c, NS_RLMI, "resource"))
        continue;
      if (list->resources->len >= PL_RLMI_MAX_RESOURCES)
        {
          g_debug ("RLMI list %s: more than %d resources, ignoring the rest", list->uri,
                   PL_RLMI_MAX_RESOURCES);
          break;
        }
      g_ptr_array_add (list->resources, parse_resource (c, parts));
    }
  return g_steal_pointer (&list);
}

gboolean
pl_event_body_is_full_state (const char *content_type, const char *body, gsize length,
                             guint32 *version)
{
  g_autofree char *media = pl_content_type_dup_media_type (content_type);

  g_return_val_if_fail (version != NULL, FALSE);
  *version = 0;
  if (g_strcmp0 (media, "application/dialog-info+xml") == 0)
    {
      g_autoptr (PlDialogInfo) info = pl_dialog_info_parse (body, length, NULL);

      if (info == NULL)
        return FALSE;
      *version = info->version;
      return info->full;
    }
  if (g_strcmp0 (media, "application/pidf+xml") == 0
      || g_strcmp0 (media, "application/xpidf+xml") == 0)
    {
      g_autoptr (PlPresence) presence = pl_presence_parse (body, length, NULL);

      return presence != NULL;
    }
  if (g_strcmp0 (media, "multipart/related") == 0)
    {
      g_autoptr (PlRlmiList) list = pl_rlmi_parse_multipart (content_type, body, length, NULL);

      if (list == NULL)
        return FALSE;
      *version = list->version;
      return list->full_state;
    }
  return FALSE;
}
