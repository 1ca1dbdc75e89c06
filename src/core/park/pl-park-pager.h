/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-call-manager.h"
#include "pl-history-recorder.h"
#include "pl-park-service.h"

G_BEGIN_DECLS

typedef enum
{
  PL_PAGE_SPEECH_OFF,     /* the user speaks (the lot does not want Parkline to) */
  PL_PAGE_SPEECH_WAITING, /* for the page to be answered and the park call to end */
  PL_PAGE_SPEECH_PLAYING, /* Parkline speaks; the page ends when it is done */
  PL_PAGE_SPEECH_FAILED,  /* could not speak: the user reads it out ("speech-note") */
} PlPageSpeech;

#define PL_TYPE_PARK_PAGER (pl_park_pager_get_type ())
G_DECLARE_FINAL_TYPE (PlParkPager, pl_park_pager, PL, PARK_PAGER, GObject)

/* Park & Page: parks a call exactly as PlParkService does (same profile
 * rules, same OPTIONS check) and, once the call is in its slot, calls the
 * lot's page target so the team hears "Call for Caller One on 701". A park
 * that fails sends no page; a page that fails leaves the call parked, and
 * the user is told. With page-spoken, Parkline speaks the announcement
 * itself (espeak-ng, played into the page call); otherwise, and whenever
 * speaking is impossible, the user reads it from the screen. One page at a
 * time.
 *
 * Properties: "page-call" (PlCall, NULL when no page is up), "text" (what
 * to say: "Call for Caller One on 701"), "speech" (PlPageSpeech),
 * "speech-note" (why Parkline does not speak, when it cannot), "busy"
 * (a Park & Page is under way: parking or paging).
 * Signal "message" (const char *text): news for the user. */
PlParkPager *pl_park_pager_new (PlParkService *park, PlCallManager *calls,
                                PlHistoryRecorder *recorder);
/* lot NULL: the first lot; slot as for pl_park_service_park(). */
gboolean pl_park_pager_park_and_page (PlParkPager *self, PlCall *call, PlParkLot *lot, int slot,
                                      GError **error);
/* Hangs up the page call (the park stays). */
gboolean pl_park_pager_end_page (PlParkPager *self, GError **error);
PlCall *pl_park_pager_get_page_call (PlParkPager *self);
const char *pl_park_pager_get_text (PlParkPager *self);
/* The slot the page is about, -1 when the PBX did not say. */
int pl_park_pager_get_slot (PlParkPager *self);
PlPageSpeech pl_park_pager_get_speech (PlParkPager *self);
const char *pl_park_pager_get_speech_note (PlParkPager *self);
gboolean pl_park_pager_get_busy (PlParkPager *self);

G_END_DECLS
