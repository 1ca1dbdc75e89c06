/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * parkline-test-pbx: a loopback SIP PBX that parks calls like stock Asterisk
 * 22 (res_parking), FreePBX or FreeSWITCH valet parking.
 *
 * TEST AND DEMO INFRASTRUCTURE ONLY. It exists because nothing in Debian 12
 * parks calls; Parkline's park tests and README demo run against it. It
 * listens on 127.0.0.1 only and trusts its config file.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <glib.h>
#include <re.h>

#define PBX_HOST "127.0.0.1"

typedef enum
{
  PBX_PROFILE_ASTERISK,
  PBX_PROFILE_FREEPBX,
  PBX_PROFILE_FREESWITCH,
  PBX_PROFILE_IDENTITY,
} PbxProfile;

typedef enum
{
  BODY_DIALOG,
  BODY_PIDF,
  BODY_XPIDF,
  BODY_CPIM_PIDF,
} PbxBodyType;

struct pbx_contact
{
  struct le le;
  char *uri;
  struct sa addr;
  enum sip_transp tp;
  uint64_t expires_at; /* tmr_jiffies() ms */
};

struct pbx_user
{
  char *name; /* auth user name, e.g. alice */
  char *password;
  char *display; /* e.g. Caller One */
  char *ext;     /* e.g. 201 */
  struct list contacts;
  uint32_t blf_version_dummy;
};

typedef enum
{
  LEG_NEW,
  LEG_RINGING,
  LEG_UP,
  LEG_CLOSED,
} PbxLegState;

typedef enum
{
  ROLE_NORMAL,   /* bridged or about to be */
  ROLE_PARKED,   /* sits in a slot, hears music */
  ROLE_HOLDOUT,  /* waits to be hung up (invalid park, empty slot) */
  ROLE_RINGBACK, /* parked call whose slot timed out, parker being rung */
} PbxRole;

struct pbx_leg
{
  struct le le;
  unsigned id;
  bool incoming;
  PbxLegState state;
  PbxRole role;
  struct sipsess *sess;
  struct pbx_user *user; /* the SIP user on this leg, if any */
  char *rdisplay;        /* identity shown to this leg's phone */
  char *ruri;
  char *id_display; /* identity of the party on this leg, shown to others */
  char *id_uri;
  bool virt; /* no phone behind it: an originated music source */
  /* media */
  struct udp_sock *rtp;
  uint16_t rtp_port;
  struct sa rtp_remote;
  bool have_remote;
  struct pbx_leg *peer; /* media and signalling partner */
  /* forking: an incoming leg and the outgoing legs that ring for it */
  struct pbx_leg *origin;
  bool answer_origin; /* origin still waits for a final answer */
  struct tmr ring_tmr;
  /* music on hold */
  struct tmr moh_tmr;
  size_t moh_pos;
  uint16_t seq;
  uint32_t ts, ssrc;
  /* park */
  int slot;                 /* index into the lot, -1 if none */
  struct pbx_user *parker;  /* who parked this leg */
  struct tmr park_tmr;      /* parkingtime, then comebackdialtime */
  struct tmr hang_tmr;      /* delayed BYE */
  struct sipnot *refer_not; /* implicit REFER subscription */
  struct tmr refer_tmr;     /* announcement delay */
  const char *refer_final;  /* sipfrag status line after the delay */
  bool refer_active_sent;
  /* connected-line update after a retrieval, as Asterisk does */
  struct sip_request *pai_req;
  uint32_t pai_cseq;
  bool pai_pending;
};

struct pbx_slot
{
  char *ext;
  struct pbx_leg *leg;
};

struct pbx_faults
{
  int drop_notifies;   /* drop the next N NOTIFY updates */
  unsigned delay_ms;   /* hold BLF NOTIFYs this long */
  bool malformed_next; /* next BLF NOTIFY body is broken XML */
  bool refuse_register;
};

struct pbx_config
{
  char *realm;
  PbxProfile profile;
  char *park_ext;
  char *list_name;
  char **slots; /* NULL-terminated */
  guint n_slots;
  guint parkingtime_ms;
  guint comebackdialtime_ms;
  guint announce_delay_ms;
  guint invalid_delay_ms;
  guint parker_bye_ms;
  guint ring_timeout_ms;
  char *moh_path;
  char *user_agent;
  GPtrArray *users; /* struct pbx_user */
};

struct pbx
{
  struct pbx_config cfg;
  struct sip *sip;
  struct sip_lsnr *lsnr_auth;
  struct sip_lsnr *lsnr_misc;
  struct sipsess_sock *sess_sock;
  struct sipevent_sock *evt_sock;
  struct tcp_sock *ctl_sock;
  struct list ctl_conns;
  uint16_t sip_port;
  uint16_t ctl_port;
  struct pbx_user *auth_user; /* set by the auth filter for the next listener */
  struct list legs;
  struct list subs;
  struct pbx_slot *slots;
  int last_slot;
  unsigned next_leg_id;
  struct pbx_faults faults;
  int16_t *moh;
  size_t moh_len;
  char secret[17];
  bool verbose;
  unsigned long notifies_sent; /* NOTIFY requests put on the wire, retransmissions too */
};

extern struct pbx *pbx;

/* pbx-config.c */
gboolean pbx_config_load (struct pbx_config *cfg, const char *path, GError **error);
void pbx_config_clear (struct pbx_config *cfg);
struct pbx_user *pbx_user_by_name (const char *name);
struct pbx_user *pbx_user_by_ext (const char *ext);
struct pbx_user *pbx_user_by_pl (const struct pl *pl);
const char *pbx_profile_name (PbxProfile p);

/* pbx-sip.c */
int pbx_sip_start (uint16_t port);
void pbx_sip_stop (void);
void pbx_sip_reset (void);
void pbx_user_prune (struct pbx_user *u);

/* pbx-calls.c */
void pbx_calls_init (void);
void pbx_calls_clear (void);
void pbx_invite_handler (const struct sip_msg *msg, void *arg);
void pbx_refer_ood (const struct sip_msg *msg);
int pbx_originate (const char *number, const char *display, const char *to_user);
int pbx_slot_index (const char *ext);
unsigned pbx_leg_count (void);
const char *pbx_user_state (struct pbx_user *u, const char **rdisplay, const char **ruri);

/* pbx-blf.c */
bool pbx_subscribe_handler (const struct sip_msg *msg, void *arg);
void pbx_blf_slot_changed (int slot);
void pbx_blf_user_changed (struct pbx_user *u);
void pbx_blf_terminate_all (void);
void pbx_blf_clear (void);
unsigned pbx_sub_count (void);
void pbx_blf_flood (unsigned updates);
unsigned pbx_blf_flood_left (void);

/* pbx-bodies.c: pure text builders, unit-tested against the traces */
char *pbx_body_dialog (const char *entity_user, const char *host, uint32_t version, bool busy,
                       PbxProfile profile, const char *ident_display, const char *ident_uri);
char *pbx_body_pidf (const char *entity_user, const char *host, bool busy, const char *watcher,
                     PbxProfile profile);
char *pbx_body_xpidf (const char *entity_user, const char *host, bool busy, const char *watcher);
char *pbx_body_user_dialog (const char *ext, const char *host, uint32_t version, const char *state,
                            const char *rdisplay, const char *ruri, const char *ldisplay);
const char *pbx_body_ctype (PbxBodyType t);
gboolean pbx_body_choose (const char *event, const char *accept, PbxBodyType *out);
char *pbx_random_token (guint len);

/* pbx-media.c */
int pbx_media_alloc (struct pbx_leg *leg);
void pbx_media_close (struct pbx_leg *leg);
struct mbuf *pbx_sdp_offer (struct pbx_leg *leg);
bool pbx_sdp_parse_remote (struct pbx_leg *leg, struct mbuf *mb);
void pbx_moh_start (struct pbx_leg *leg);
void pbx_moh_stop (struct pbx_leg *leg);
void pbx_moh_load (const char *path);
uint8_t pbx_ulaw_encode (int16_t pcm);
