/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Admins write provisioning files by hand and script them by the hundred:
 * an error must say where. GKeyFile forgets line numbers, so these find the
 * line of a group or key in the file's text again. */

/* The 1-based line of @key in @group (the last one, as GKeyFile keeps the
 * last value), else of the group's header (key NULL or absent), else 0. */
guint pl_keyfile_find_line (const char *text, const char *group, const char *key);

/* Prefixes a set *error with where @key of @group is: "desk.conf:14: " with
 * an origin, "Line 14: " without one. Does nothing when text is NULL, the
 * error is not set or the place is not found. */
void pl_keyfile_prefix_error (GError **error, const char *text, const char *origin,
                              const char *group, const char *key);

/* g_key_file_get_string() for files from outside: NULL when absent or
 * invalid. GLib 2.74 warns ("GError set over the top") on a value with a bad
 * escape that also ends in a lone backslash; such a value is invalid
 * anyway, so it is refused before GLib parses it. */
char *pl_keyfile_get_string (GKeyFile *keyfile, const char *group, const char *key);

/* Reads @path into a new GKeyFile and hands back its text too; a syntax
 * error names the file and, where GLib quotes the bad line, its number. */
GKeyFile *pl_keyfile_load (const char *path, char **text, GError **error);

G_END_DECLS
