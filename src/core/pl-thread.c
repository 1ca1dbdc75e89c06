/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-thread"

#include "config.h"

#include "pl-thread.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define PL_HAVE_LSAN 1
#endif
#elif defined(__SANITIZE_ADDRESS__)
#define PL_HAVE_LSAN 1
#endif
#ifdef PL_HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/* GLib 2.74 gives every thread a block of GSlice state on its first slice
 * allocation and leaks it on purpose when the thread ends
 * (g_private_set_alloc0()). Taken here, out of LeakSanitizer's sight, so a
 * sanitizer run reports the leaks that are ours; elsewhere this is one
 * slice allocation. */
void
pl_thread_started (void)
{
#ifdef PL_HAVE_LSAN
  __lsan_disable ();
#endif
  g_slice_free1 (8, g_slice_alloc (8));
#ifdef PL_HAVE_LSAN
  __lsan_enable ();
#endif
}

static int deliveries_deferred;

int
pl_thread_delivery_priority (void)
{
  return g_atomic_int_get (&deliveries_deferred) ? G_PRIORITY_DEFAULT_IDLE : G_PRIORITY_DEFAULT;
}

void
pl_thread_defer_deliveries (gboolean deferred)
{
  g_atomic_int_set (&deliveries_deferred, deferred ? 1 : 0);
}
