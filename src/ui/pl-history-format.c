/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-history-format"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "pl-history-format.h"
#include "pl-util.h"
#include "pl-ui-util.h"

static GDateTime *
parse_day (const char *day)
{
  int year, month, mday;

  if (day == NULL || sscanf (day, "%4d-%2d-%2d", &year, &month, &mday) != 3)
    return NULL;
  return g_date_time_new_local (year, month, mday, 12, 0, 0);
}

char *
pl_history_format_day (const char *day, GDateTime *now)
{
  g_autoptr (GDateTime) date = parse_day (day);
  g_autoptr (GDateTime) today = NULL;
  GDate a, b;
  int days;

  g_return_val_if_fail (now != NULL, NULL);

  if (date == NULL)
    return g_strdup (day ? day : "");

  /* Count calendar days, not 24-hour spans: DST days are 23 or 25 hours. */
  today = g_date_time_to_local (now);
  g_date_clear (&a, 1);
  g_date_clear (&b, 1);
  g_date_set_dmy (&a, g_date_time_get_day_of_month (date), g_date_time_get_month (date),
                  g_date_time_get_year (date));
  g_date_set_dmy (&b, g_date_time_get_day_of_month (today), g_date_time_get_month (today),
                  g_date_time_get_year (today));
  days = g_date_days_between (&a, &b);

  if (days == 0)
    return g_strdup (_ ("Today"));
  if (days == 1)
    return g_strdup (_ ("Yesterday"));
  if (days > 1 && days < 7)
    /* Translators: a weekday in the call history, see strftime(3). */
    return g_date_time_format (date, _ ("%A"));
  if (g_date_time_get_year (date) == g_date_time_get_year (today))
    /* Translators: a day this year in the call history, e.g. "Monday, 4 May"; see strftime(3). */
    return g_date_time_format (date, _ ("%A, %-d %B"));
  /* Translators: a day of another year in the call history, e.g. "4 May 2025"; see strftime(3). */
  return g_date_time_format (date, _ ("%-d %B %Y"));
}

char *
pl_history_format_time (gint64 real_time_us)
{
  g_autoptr (GDateTime) time = NULL;

  if (real_time_us <= 0)
    return g_strdup ("");
  time = g_date_time_new_from_unix_local (real_time_us / G_USEC_PER_SEC);
  if (time == NULL)
    return g_strdup ("");
  /* Translators: the time of a call in the history; see strftime(3). */
  return g_date_time_format (time, _ ("%H:%M"));
}

char *
pl_history_format_park_summary (const char *slot, PlHistoryParkAction action, gint64 waited_us)
{
  g_autofree char *parked = NULL;
  g_autofree char *after = waited_us >= 0 ? pl_format_duration (waited_us) : NULL;
  g_autofree char *tail = NULL;

  if (action == PL_HISTORY_PARK_ACTION_NONE)
    return NULL;
  if (slot != NULL && *slot != '\0')
    parked = g_strdup_printf (_ ("Parked on %s"), slot);
  else
    parked = g_strdup (_ ("Parked"));

  switch (action)
    {
      case PL_HISTORY_PARK_ACTION_RETRIEVED:
        tail = after ? g_strdup_printf (_ ("retrieved after %s"), after)
                     : g_strdup (_ ("retrieved"));
        break;
      case PL_HISTORY_PARK_ACTION_RETURNED:
        tail = after ? g_strdup_printf (_ ("returned after %s"), after) : g_strdup (_ ("returned"));
        break;
      case PL_HISTORY_PARK_ACTION_ABANDONED:
        tail = after ? g_strdup_printf (_ ("caller hung up after %s"), after)
                     : g_strdup (_ ("caller hung up"));
        break;
      case PL_HISTORY_PARK_ACTION_TAKEN_BY_OTHER:
        tail = after ? g_strdup_printf (_ ("picked up elsewhere after %s"), after)
                     : g_strdup (_ ("picked up elsewhere"));
        break;
      case PL_HISTORY_PARK_ACTION_PAGED:
        tail = g_strdup (_ ("team paged"));
        break;
      case PL_HISTORY_PARK_ACTION_PARKED:
      case PL_HISTORY_PARK_ACTION_NONE:
      default:
        return g_steal_pointer (&parked);
    }
  /* Translators: joins "Parked on 702" and "returned after 0:45". */
  return g_strdup_printf (_ ("%s · %s"), parked, tail);
}

const PlHistoryParkEvent *
pl_history_find_park_outcome (GPtrArray *events)
{
  if (events == NULL)
    return NULL;
  for (guint i = events->len; i > 0; i--)
    {
      const PlHistoryParkEvent *event = g_ptr_array_index (events, i - 1);
      /* A page tells the team; it does not end the park. */
      if (event->action != PL_HISTORY_PARK_ACTION_PARKED
          && event->action != PL_HISTORY_PARK_ACTION_PAGED
          && event->action != PL_HISTORY_PARK_ACTION_NONE)
        return event;
    }
  return NULL;
}

char *
pl_history_format_park_event (const PlHistoryParkEvent *event)
{
  g_autofree char *after = NULL;
  g_autofree char *what = NULL;
  g_autofree char *when = NULL;
  gboolean me;
  const char *slot;

  g_return_val_if_fail (event != NULL, NULL);

  me = event->actor == PL_HISTORY_PARK_ACTOR_ME;
  slot = event->slot != NULL && *event->slot != '\0' ? event->slot : NULL;
  if (event->parked_at > 0 && event->at >= event->parked_at)
    after = pl_format_duration (event->at - event->parked_at);

  switch (event->action)
    {
      case PL_HISTORY_PARK_ACTION_PARKED:
        if (slot)
          what = g_strdup_printf (
              me ? _ ("Parked on %s by me") : _ ("Parked on %s by someone else"), slot);
        else
          what = g_strdup (me ? _ ("Parked by me") : _ ("Parked by someone else"));
        break;
      case PL_HISTORY_PARK_ACTION_RETRIEVED:
        if (after)
          what = g_strdup_printf (me ? _ ("Retrieved by me after %s")
                                     : _ ("Retrieved by someone else after %s"),
                                  after);
        else
          what = g_strdup (me ? _ ("Retrieved by me") : _ ("Retrieved by someone else"));
        break;
      case PL_HISTORY_PARK_ACTION_RETURNED:
        if (slot && after)
          what = g_strdup_printf (_ ("Rang back from %s after %s"), slot, after);
        else if (slot)
          what = g_strdup_printf (_ ("Rang back from %s"), slot);
        else
          what = g_strdup (_ ("Rang back"));
        break;
      case PL_HISTORY_PARK_ACTION_ABANDONED:
        what = after ? g_strdup_printf (_ ("Caller hung up after %s"), after)
                     : g_strdup (_ ("Caller hung up"));
        break;
      case PL_HISTORY_PARK_ACTION_TAKEN_BY_OTHER:
        what = after ? g_strdup_printf (_ ("Picked up by someone else after %s"), after)
                     : g_strdup (_ ("Picked up by someone else"));
        break;
      case PL_HISTORY_PARK_ACTION_PAGED:
        if (event->party && *event->party)
          what = g_strdup_printf (me ? _ ("Paged %s by me") : _ ("Paged %s by someone else"),
                                  event->party);
        else
          what = g_strdup (me ? _ ("Paged by me") : _ ("Paged by someone else"));
        break;
      case PL_HISTORY_PARK_ACTION_NONE:
      default:
        what = g_strdup (_ ("Park slot activity"));
        break;
    }

  when = pl_history_format_time (event->at);
  if (*when == '\0')
    return g_steal_pointer (&what);
  /* Translators: a park event and its time, "Parked on 702 by me · 10:02". */
  return g_strdup_printf (_ ("%s · %s"), what, when);
}

char *
pl_history_format_transfer (PlCallTransfer transfer, const char *party)
{
  const char *who = party && *party ? party : NULL;

  switch (transfer)
    {
      case PL_CALL_TRANSFER_JOINED:
        return who ? g_strdup_printf (_ ("Consulted %s, then joined them"), who)
                   : g_strdup (_ ("Consulted, then joined"));
      case PL_CALL_TRANSFER_BLIND:
        return who ? g_strdup_printf (_ ("Consulted %s, then transferred blind"), who)
                   : g_strdup (_ ("Consulted, then transferred blind"));
      case PL_CALL_TRANSFER_CONSULTATION:
        return who ? g_strdup_printf (_ ("Consultation about %s"), who)
                   : g_strdup (_ ("Consultation for a transfer"));
      case PL_CALL_TRANSFER_NONE:
      default:
        return NULL;
    }
}
