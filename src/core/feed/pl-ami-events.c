/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-ami"

#include <string.h>

#include "pl-ami-events.h"

/* Enough for every phone of a large site; past it the directory starts
 * over rather than grow. */
#define MAX_DIRECTORY 4096

/* Asterisk makes channel names unique with "-%08x". */
#define CHANNEL_SUFFIX_LEN 9

typedef struct
{
  char *name;
  int strength;
} Entry;

struct _PlAmiDirectory
{
  GHashTable *entries; /* endpoint → Entry */
};

static void
entry_free (Entry *entry)
{
  g_free (entry->name);
  g_free (entry);
}

gboolean
pl_ami_value_is_known (const char *value)
{
  return value != NULL && *value != '\0' && g_strcmp0 (value, "<unknown>") != 0;
}

char *
pl_ami_name_dup (const char *value)
{
  static const char escaped[] = "abfnrtv\\'\"?";
  static const char plain[] = "\a\b\f\n\r\t\v\\'\"?";
  GString *out;

  if (!pl_ami_value_is_known (value))
    return NULL;
  out = g_string_sized_new (strlen (value));
  for (const char *p = value; *p != '\0'; p++)
    {
      const char *hit = p[0] == '\\' && p[1] != '\0' ? strchr (escaped, p[1]) : NULL;
      char c = hit ? plain[hit - escaped] : *p;

      if (hit)
        p++;
      g_string_append_c (out, (guchar)c < 0x20 || c == 0x7f ? ' ' : c);
    }
  return g_string_free (out, FALSE);
}

static gboolean
has_channel_suffix (const char *resource, gsize length)
{
  if (length < CHANNEL_SUFFIX_LEN || resource[length - CHANNEL_SUFFIX_LEN] != '-')
    return FALSE;
  for (gsize i = length - CHANNEL_SUFFIX_LEN + 1; i < length; i++)
    if (!g_ascii_isxdigit (resource[i]))
      return FALSE;
  return TRUE;
}

char *
pl_ami_channel_endpoint (const char *channel)
{
  const char *resource, *slash;
  gsize length;

  if (!pl_ami_value_is_known (channel))
    return NULL;
  slash = strchr (channel, '/');
  resource = slash ? slash + 1 : channel;
  /* a dial string may go on with "/sip:…", options or more targets */
  length = strcspn (resource, "/,&");
  /* Local channels end in ";1" or ";2" for their two halves */
  {
    const char *semicolon = memchr (resource, ';', length);

    if (semicolon != NULL)
      length = semicolon - resource;
  }
  if (has_channel_suffix (resource, length))
    length -= CHANNEL_SUFFIX_LEN;
  if (length == 0)
    return NULL;
  return g_strndup (resource, length);
}

PlAmiDirectory *
pl_ami_directory_new (void)
{
  PlAmiDirectory *directory = g_new0 (PlAmiDirectory, 1);

  directory->entries
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)entry_free);
  return directory;
}

void
pl_ami_directory_free (PlAmiDirectory *directory)
{
  if (directory == NULL)
    return;
  g_hash_table_unref (directory->entries);
  g_free (directory);
}

void
pl_ami_directory_learn (PlAmiDirectory *directory, const PlAmiMessage *message)
{
  g_autofree char *name = pl_ami_name_dup (pl_ami_message_get (message, "CallerIDName"));
  g_autofree char *endpoint = NULL;
  Entry *entry;
  int strength;

  g_return_if_fail (directory != NULL && message != NULL);

  if (name == NULL)
    return;
  endpoint = pl_ami_channel_endpoint (pl_ami_message_get (message, "Channel"));
  if (endpoint == NULL)
    return;
  /* A channel the phone opened carries the phone's own caller ID for sure;
   * other channels of the endpoint normally do too. */
  strength = pl_ami_message_is (message, "Event", "Newchannel")
                     && g_strcmp0 (pl_ami_message_get (message, "ChannelState"), "4") == 0
                 ? 2
                 : 1;
  entry = g_hash_table_lookup (directory->entries, endpoint);
  if (entry != NULL)
    {
      if (strength >= entry->strength)
        {
          g_free (entry->name);
          entry->name = g_steal_pointer (&name);
          entry->strength = strength;
        }
      return;
    }
  if (g_hash_table_size (directory->entries) >= MAX_DIRECTORY)
    g_hash_table_remove_all (directory->entries);
  entry = g_new0 (Entry, 1);
  entry->name = g_steal_pointer (&name);
  entry->strength = strength;
  g_hash_table_insert (directory->entries, g_steal_pointer (&endpoint), entry);
}

const char *
pl_ami_directory_lookup (PlAmiDirectory *directory, const char *endpoint)
{
  Entry *entry;

  g_return_val_if_fail (directory != NULL, NULL);
  if (endpoint == NULL)
    return NULL;
  entry = g_hash_table_lookup (directory->entries, endpoint);
  return entry ? entry->name : NULL;
}

guint
pl_ami_directory_get_size (PlAmiDirectory *directory)
{
  g_return_val_if_fail (directory != NULL, 0);
  return g_hash_table_size (directory->entries);
}

char *
pl_ami_parker_name (const PlAmiMessage *message, PlAmiDirectory *directory)
{
  g_autofree char *endpoint
      = pl_ami_channel_endpoint (pl_ami_message_get (message, "ParkerDialString"));
  const char *known = directory ? pl_ami_directory_lookup (directory, endpoint) : NULL;
  g_autofree char *connected
      = pl_ami_name_dup (pl_ami_message_get (message, "ParkeeConnectedLineName"));

  if (endpoint == NULL)
    return NULL;
  if (known != NULL)
    return g_strdup (known);
  /* A blind transfer to the park extension leaves the caller connected to
   * the parker: the best guess when the parker's channels went unseen. */
  if (connected != NULL)
    return g_steal_pointer (&connected);
  return g_steal_pointer (&endpoint);
}

char *
pl_ami_retriever_name (const PlAmiMessage *message, PlAmiDirectory *directory)
{
  g_autofree char *name = pl_ami_name_dup (pl_ami_message_get (message, "RetrieverCallerIDName"));
  g_autofree char *endpoint = NULL;
  const char *known;

  if (name != NULL)
    return g_steal_pointer (&name);
  endpoint = pl_ami_channel_endpoint (pl_ami_message_get (message, "RetrieverChannel"));
  known = directory ? pl_ami_directory_lookup (directory, endpoint) : NULL;
  return known ? g_strdup (known) : g_steal_pointer (&endpoint);
}

static const struct
{
  const char *event;
  PlParkFeedEventKind kind;
} park_events[] = {
  { "ParkedCall", PL_PARK_FEED_EVENT_PARKED },
  { "ParkedCallSwap", PL_PARK_FEED_EVENT_PARKED },
  { "UnParkedCall", PL_PARK_FEED_EVENT_UNPARKED },
  { "ParkedCallTimeOut", PL_PARK_FEED_EVENT_TIMED_OUT },
  { "ParkedCallGiveUp", PL_PARK_FEED_EVENT_GAVE_UP },
};

static int
parse_seconds (const char *text)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &value, NULL))
    return -1;
  return (int)value;
}

static char *
dup_known (const char *value)
{
  return pl_ami_value_is_known (value) ? g_strdup (value) : NULL;
}

PlParkFeedEvent *
pl_ami_park_event (const PlAmiMessage *message, PlAmiDirectory *directory,
                   const char *snapshot_action_id)
{
  const char *action_id = pl_ami_message_get (message, "ActionID");
  gboolean ours = snapshot_action_id != NULL && g_strcmp0 (action_id, snapshot_action_id) == 0;
  const char *space = pl_ami_message_get (message, "ParkingSpace");
  PlParkFeedEvent *event = NULL;

  g_return_val_if_fail (message != NULL, NULL);

  if (ours && pl_ami_message_is (message, "Event", "ParkedCallsComplete"))
    {
      event = pl_park_feed_event_new (PL_PARK_FEED_EVENT_SNAPSHOT_COMPLETE);
      event->snapshot = TRUE;
      return event;
    }
  for (guint i = 0; i < G_N_ELEMENTS (park_events) && event == NULL; i++)
    if (pl_ami_message_is (message, "Event", park_events[i].event))
      event = pl_park_feed_event_new (park_events[i].kind);
  if (event == NULL)
    return NULL;
  if (!pl_ami_value_is_known (space) || !g_utf8_validate (space, -1, NULL))
    {
      g_message ("A parking event without a parking space: ignored");
      pl_park_feed_event_free (event);
      return NULL;
    }

  event->snapshot = ours;
  event->lot = g_strdup (pl_ami_message_get (message, "Parkinglot"));
  event->slot = g_strdup (space);
  event->park_id = dup_known (pl_ami_message_get (message, "ParkeeUniqueid"));
  if (event->park_id == NULL)
    event->park_id = dup_known (pl_ami_message_get (message, "ParkeeChannel"));
  event->caller_name = pl_ami_name_dup (pl_ami_message_get (message, "ParkeeCallerIDName"));
  event->caller_number = dup_known (pl_ami_message_get (message, "ParkeeCallerIDNum"));
  event->parked_by = pl_ami_parker_name (message, directory);
  event->seconds_left = parse_seconds (pl_ami_message_get (message, "ParkingTimeout"));
  event->duration = parse_seconds (pl_ami_message_get (message, "ParkingDuration"));
  if (event->kind == PL_PARK_FEED_EVENT_UNPARKED)
    {
      event->taken_by = pl_ami_retriever_name (message, directory);
      event->taken_by_id
          = pl_ami_channel_endpoint (pl_ami_message_get (message, "RetrieverChannel"));
      event->taken_by_number = dup_known (pl_ami_message_get (message, "RetrieverCallerIDNum"));
    }
  return event;
}
