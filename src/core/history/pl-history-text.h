/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pure helpers of the history store, kept apart so they can be tested with
 * tables. */

/* Appends one RFC 4180 field: quoted (with "" for ") when it holds a comma,
 * quote, CR or LF, or starts/ends with a space; NULL appends nothing. */
void pl_history_csv_append_field (GString *line, const char *value);

/* Trims and collapses the search text; NULL when nothing is left. */
char *pl_history_search_normalize (const char *text);

/* An FTS5 trigram MATCH expression finding text as a substring, or NULL when
 * text is shorter than three characters (trigrams cannot match those). */
char *pl_history_search_to_fts (const char *text);

/* A LIKE pattern (escape character '\') finding text as a substring. */
char *pl_history_search_to_like (const char *text);

/* Local calendar day "YYYY-MM-DD" of a g_get_real_time() value. */
char *pl_history_day_key (gint64 real_time_us);

G_END_DECLS
