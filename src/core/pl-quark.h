/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

/* Its own header because libre's "pl" (pointer-length) API collides with
 * pl-util.h in the files that use libre. */

/* G_DEFINE_QUARK with the name as a string literal: clang-format spaces out
 * G_DEFINE_QUARK's bare-word name into "pl - x - error - quark", and that
 * text is the registered error domain (tests/unit/test-error-quarks.c checks them). */
#define PL_DEFINE_QUARK(name_literal, prefix)                                                      \
  GQuark prefix##_quark (void)                                                                     \
  {                                                                                                \
    static GQuark quark;                                                                           \
    if (G_UNLIKELY (quark == 0))                                                                   \
      quark = g_quark_from_static_string (name_literal);                                           \
    return quark;                                                                                  \
  }
