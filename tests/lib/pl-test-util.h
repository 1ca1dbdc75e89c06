/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-park-profile.h"

G_BEGIN_DECLS

/* Iterates the thread-default main context until cond_func returns TRUE or
 * timeout_ms passes; returns the last value of cond_func. Tests use this, not
 * sleeps, to wait for something to happen. */
gboolean pl_test_wait_for (gboolean (*cond_func) (gpointer), gpointer data, guint timeout_ms);

/* Same, for an expression: PL_TEST_WAIT (state == ACTIVE, 5000). The
 * expression is re-evaluated after every main-context iteration. */
#define PL_TEST_WAIT(expr, timeout_ms)                                                             \
  ({                                                                                               \
    gint64 pl_deadline_ = g_get_monotonic_time () + pl_test_scale_ms (timeout_ms) * 1000;          \
    gboolean pl_ok_;                                                                               \
    while (!(pl_ok_ = !!(expr)) && g_get_monotonic_time () < pl_deadline_)                         \
      pl_test_iterate (pl_deadline_);                                                              \
    pl_ok_;                                                                                        \
  })
void pl_test_iterate (gint64 deadline_monotonic);

/* A bounded wait's limit for this run: longer by PL_TEST_WAIT_FACTOR (the
 * sanitizer run sets it, its code being several times slower). */
gint64 pl_test_scale_ms (gint64 timeout_ms);

/* Spins the main context for a fixed time; only for "nothing else happens"
 * checks, never as synchronisation. */
void pl_test_spin (guint ms);

/* A port the kernel says is free on 127.0.0.1 for both UDP and TCP, with the
 * next port free for TCP too (baresip binds TLS on sip port + 1). */
guint16 pl_test_free_sip_port (void);
guint16 pl_test_free_tcp_port (void);

/* A TCP connection to 127.0.0.1:@port that never consults a desktop proxy
 * (with glib-networking installed, GSocketClient would ask GNOME's proxy
 * settings, whose schema the isolated test dirs do not have). */
GSocketConnection *pl_test_connect_loopback (guint16 port, GError **error);

/* An out-of-dialog OPTIONS to @target (host[:port]) over @transport ("udp"
 * or "tcp"), sent from 127.0.0.1:@local_port: a raw request for probing a
 * server without a SIP stack. */
char *pl_test_options_request (const char *transport, const char *target, guint16 local_port,
                               guint cseq);

/* A message-bus connection to a GTestDBus. */
GDBusConnection *pl_test_dbus_connect (GTestDBus *bus);
/* Calls method on Parkline's object path at dest, iterating this thread's
 * main context until the reply is in (the service may answer from it).
 * Returns the reply, or NULL with error set. */
GVariant *pl_test_dbus_call (GDBusConnection *client, const char *dest, const char *interface,
                             const char *method, GVariant *args, GError **error);
/* A property of io.github.parkline.Parkline1 at dest, as a client reads it. */
GVariant *pl_test_dbus_get_property (GDBusConnection *client, const char *dest, const char *name);

/* A fresh 0700 directory under the test's scratch space. */
char *pl_test_make_dir (const char *name);

/* Removes @path and everything under it (symlinks themselves, not their
 * targets): the clean-up for pl_test_make_dir () and the like. */
void pl_test_remove_tree (const char *path);

/* The directory to put logs, recordings and screenshots a human may want to
 * look at after the run: $MESON_BUILD_ROOT/meson-logs/<name> or a temp dir. */
char *pl_test_artifact_dir (const char *name);

/* Path of a fixture file in the shared fixtures tree, or NULL (and the test
 * skipped) when it is not there. */
char *pl_test_shared_fixture (const char *relative_path);

/* The park lots in the settings' "park-lots" key, as the core loads them
 * (asserts that they load). */
GPtrArray *pl_test_stored_lots (GSettings *settings);
/* Fails the test when any key of the settings holds needle (a secret that
 * belongs in the keyring). */
void pl_test_assert_not_in_settings (GSettings *settings, const char *needle);

/* Two lot configurations are the same as far as Parkline uses them (URI
 * templates count for the custom profile only). */
void pl_test_assert_same_lot_config (const PlParkLotConfig *a, const PlParkLotConfig *b);

/* The single number a query returns from an SQLite file, read as another
 * program would (read-only, a connection of its own); -1 when it fails. */
gint64 pl_test_sqlite_count (const char *path, const char *sql);

G_END_DECLS
