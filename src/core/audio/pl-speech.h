/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Speaks text into a WAV file with espeak-ng (run as a program, as Debian
 * and the Flatpak ship it): 22050 Hz mono 16-bit PCM. voice is an
 * espeak-ng voice name ("en", "de"). $PL_ESPEAK names another binary. */
void pl_speech_render_async (const char *text, const char *voice, const char *path,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean pl_speech_render_finish (GAsyncResult *result, GError **error);

G_END_DECLS
