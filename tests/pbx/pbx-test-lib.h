/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers for the pbx suite: start parkline-test-pbx, talk to its control
 * port, a raw SIP UA on a UDP socket, and real baresip phones. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* ---- the PBX process ---- */
typedef struct
{
  GSubprocess *proc;
  char *dir;
  guint16 sip_port;
  guint16 ctl_port;
  guint16 ami_port;  /* the manager interface (AMI) */
  guint16 amis_port; /* the same over TLS, 0 without [manager] tls_pem */
  GSocketConnection *ctl;
  GDataInputStream *ctl_in;
} TestPbx;

/* extra_pbx_keys go into [pbx] (e.g. "parkingtime=2\n"). Users alice/100,
 * bob/101, carol/102, caller1 "Caller One"/201, caller2 "Caller Two"/202,
 * passwords <name>pw. */
TestPbx *test_pbx_start (const char *extra_pbx_keys);
void test_pbx_stop (TestPbx *pbx);
/* SIGKILL: gone without a final NOTIFY or BYE, as a killed Asterisk. The
 * TestPbx stays for test_pbx_restart_killed() or test_pbx_stop(). */
void test_pbx_kill (TestPbx *pbx);
/* A fresh PBX (no registrations, subscriptions or calls) on the killed
 * one's SIP port and config; new control port. */
void test_pbx_restart_killed (TestPbx *pbx);
/* One control command, one reply line (newly allocated). */
char *test_pbx_cmd (TestPbx *pbx, const char *cmd);
/* A control command that must succeed ("OK …"). */
void test_pbx_cmd_ok (TestPbx *pbx, const char *cmd);
/* Slot state "busy"/"free" from the `slots` command. */
gboolean test_pbx_slot_busy (TestPbx *pbx, const char *slot);

/* ---- raw SIP messages ---- */
typedef struct
{
  int status; /* 0 for requests */
  char *method;
  char *ruri;
  GPtrArray *names;
  GPtrArray *values;
  char *body;
} TestSipMsg;

const char *test_sip_hdr (const TestSipMsg *m, const char *name);

/* ---- raw UA ---- */
typedef struct
{
  GSocket *sock;
  GSource *source;
  guint16 port;
  guint16 pbx_port;
  char *user;
  char *password;
  GPtrArray *responses; /* TestSipMsg */
  GPtrArray *notifies;  /* incoming NOTIFY requests, answered 200 */
  GPtrArray *requests;  /* other incoming requests */
  gboolean auto_answer; /* answer INVITEs with 200 + SDP */
  guint next_cseq;
  guint wait_ms; /* for each response; 0: 8 s */
} TestUa;

typedef struct
{
  char *call_id;
  char *from_tag;
  char *to_tag;
  char *to_uri;
  char *remote_target;
  guint cseq;
} TestDialog;

TestUa *test_ua_new (guint16 pbx_port, const char *user, const char *password);
void test_ua_free (TestUa *ua);
void test_dialog_free (TestDialog *d);
/* Sends a request (authenticating once on 401) and waits for its final
 * response; dlg may be NULL (new call-id each time) or a dialog to use and
 * update. Returns the final response (owned by ua) or NULL on timeout. */
const TestSipMsg *test_ua_request (TestUa *ua, TestDialog *dlg, const char *method,
                                   const char *ruri, const char *extra_headers, const char *ctype,
                                   const char *body);
TestDialog *test_dialog_new (const char *to_uri);
/* NOTIFYs received on a dialog (by call-id) */
guint test_ua_count_notifies (TestUa *ua, const TestDialog *dlg);
const TestSipMsg *test_ua_notify (TestUa *ua, const TestDialog *dlg, guint index);
/* The last NOTIFY body on that dialog contains needle */
gboolean test_ua_last_notify_has (TestUa *ua, const TestDialog *dlg, const char *needle);

/* ---- baresip ---- */
typedef struct
{
  GSubprocess *proc;
  char *dir;
  char *user;
  guint16 sip_port;
  GSocketConnection *ctl;
  GString *inbuf;
  GPtrArray *events; /* JsonObject* (owned, ref'd) */
  guint token;
  GCancellable *cancel;
  gboolean reading;
  char read_buf[4096];
} TestPhone;

/* A baresip registered at the PBX as user (password <user>pw), playing
 * wav_path (or silence) as its microphone. */
TestPhone *test_phone_start (TestPbx *pbx, const char *user, const char *wav_path);
void test_phone_stop (TestPhone *p);
/* Waits until the PBX has a contact for user (REGISTER_OK can fire before
 * ctrl_tcp is connected). */
/* Polls `slots` until slot is busy (or free). */
gboolean test_pbx_wait_slot (TestPbx *pbx, const char *slot, gboolean busy, guint ms);
gboolean test_pbx_wait_registered (TestPbx *pbx, const char *user, guint ms);
void test_phone_cmd (TestPhone *p, const char *command, const char *params);
/* Index of the first event of type (after start_index), or -1. */
int test_phone_find_event (TestPhone *p, const char *type, guint start_index);
gboolean test_phone_wait_event (TestPhone *p, const char *type, guint start_index, guint ms);
const char *test_phone_event_str (TestPhone *p, int index, const char *member);
/* @caller dials @ext on the PBX, @callee answers, both are connected.
 * Returns the index of the callee's CALL_INCOMING event. */
int test_phone_connect (TestPbx *pbx, TestPhone *caller, const char *ext, TestPhone *callee);

G_END_DECLS
