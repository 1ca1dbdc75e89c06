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
  ROLE_PAGE,     /* talks to a paging group: heard, never answered back */
  ROLE_LIMBO,    /* FreeSWITCH retrieve that lost a race: up, silent, never hung up */
} PbxRole;

/* A paging group ([page NAME] in the config) and one page made to it. */
struct pbx_page_group
{
  char *name;
  char *ext;
  char **members; /* user names; recorded, not rung */
};

struct pbx_page_record
{
  struct pbx_page_group *group;
  char *from;       /* user name of the pager */
  uint64_t started; /* tmr_jiffies() ms */
  uint64_t ended;   /* 0 while the page is live */
  unsigned packets; /* RTP packets that arrived */
  int peak;         /* loudest sample heard, 0..32767 */
};

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
  /* the leg as a manager (AMI) channel, e.g. PJSIP/alice-00000001 */
  struct pbx_ami_leg *ami;
  /* paging */
  struct pbx_page_record *page;
};

struct pbx_slot
{
  char *ext;
  struct pbx_leg *leg;
  uint64_t retrieved_at; /* tmr_jiffies() of the last retrieval, 0 if none */
};

struct pbx_faults
{
  int drop_notifies;   /* drop the next N NOTIFY updates */
  unsigned delay_ms;   /* hold BLF NOTIFYs this long */
  bool malformed_next; /* next BLF NOTIFY body is broken XML */
  bool refuse_register;
  bool page_busy; /* paging groups answer 486 Busy Here */
  bool frozen;    /* nothing in or out, sockets open (pbx-freeze.c) */
  /* manager interface (pbx-ami.c) */
  bool ami_wrong_secret; /* every Login fails */
  bool ami_silent;       /* accepts connections, answers nothing */
  unsigned ami_delay_ms; /* manager events go out this much later */
};

/* A manager user, from a [manager NAME] group. */
struct pbx_ami_user
{
  char *name;
  char *secret;
  bool read_call;       /* read = call or all: receives the call events */
  bool write_call;      /* write = call or all: may list parked calls */
  bool write_originate; /* write = originate or all */
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
  guint retrieve_race_ms; /* freeswitch: "at once" for two retrieves of one slot */
  char *moh_path;
  char *user_agent;
  GPtrArray *users; /* struct pbx_user */
  /* manager interface: [manager] and [manager NAME] groups */
  GPtrArray *ami_users;  /* struct pbx_ami_user */
  char *ami_system_name; /* SystemName of every event ("lab" as in the captures) */
  char *ami_parkinglot;  /* res_parking's lot name, "default" */
  char *ami_tls_pem;     /* certificate and key: a TLS manager port too */
  bool ami_timestamps;   /* timestampevents: every event says when it happened */
  GPtrArray *pages;      /* struct pbx_page_group */
};

struct pbx
{
  struct pbx_config cfg;
  struct sip *sip;
  struct sip_lsnr *lsnr_freeze;
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
  GPtrArray *page_log;         /* struct pbx_page_record, oldest first */
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

/* pbx-freeze.c: the freeze fault */
bool pbx_freeze_tap (const struct sip_msg *msg, void *arg);
void pbx_freeze_set (bool frozen);
void pbx_freeze_clear (void);

/* pbx-calls.c */
void pbx_calls_init (void);
void pbx_calls_clear (void);
void pbx_invite_handler (const struct sip_msg *msg, void *arg);
void pbx_refer_ood (const struct sip_msg *msg);
int pbx_originate (const char *number, const char *display, const char *to_user);
/* Returns the slot index, or -1 (unknown parker, lot full). */
int pbx_park_as (const char *number, const char *display, const char *parker_name);
/* 0, or -1 (unknown user, nobody or somebody else on the slot). */
int pbx_pickup_as (const char *slot_ext, const char *user_name, const char *number, guint talk_ms);
int pbx_slot_index (const char *ext);
unsigned pbx_leg_count (void);
/* `bridges`: "OK N" and A<->B per pair of bridged legs, by ext/number. */
char *pbx_bridges_report (void);
const char *pbx_user_state (struct pbx_user *u, const char **rdisplay, const char **ruri);

/* pbx-page.c */
gboolean pbx_page_config_load (GKeyFile *kf, struct pbx_config *cfg, GError **error);
void pbx_page_config_clear (struct pbx_config *cfg);
struct pbx_page_group *pbx_page_group_by_ext (const char *ext);
struct pbx_page_record *pbx_page_begin (struct pbx_page_group *group, struct pbx_user *from);
void pbx_page_end (struct pbx_page_record *record);
void pbx_page_rtp (struct pbx_page_record *record, struct mbuf *mb);
void pbx_page_clear (void);
char *pbx_page_report (void);

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

/* pbx-ami.c: the manager interface (AMI) */
struct pbx_ami_chan
{
  const char *channel;
  int state; /* 0 Down, 4 Ring, 5 Ringing, 6 Up */
  const char *cid_num, *cid_name;
  const char *conn_num, *conn_name; /* NULL: <unknown> */
  const char *context, *exten;
  int priority;
  const char *uniqueid, *linkedid;
};
int pbx_ami_start (void);
void pbx_ami_stop (void);
void pbx_ami_drop_all (void);
uint16_t pbx_ami_port (void);
uint16_t pbx_ami_tls_port (void); /* 0 without ami_tls_pem */
unsigned pbx_ami_conn_count (void);
/* A "faults ami-…" control command; false when unknown. */
bool pbx_ami_fault (const char *what, const char *arg);
/* exten: what an incoming call dialled; NULL for a leg the PBX dials out
 * (linked: the call it belongs to). */
void pbx_ami_channel_new (struct pbx_leg *leg, const char *exten, struct pbx_leg *linked);
void pbx_ami_channel_gone (struct pbx_leg *leg);
void pbx_ami_bridged (struct pbx_leg *a, struct pbx_leg *b);
void pbx_ami_connected_to_user (struct pbx_leg *leg, const struct pbx_user *user);
/* event: ParkedCall, UnParkedCall (with the retriever), ParkedCallTimeOut,
 * ParkedCallGiveUp; parkee still in its slot. */
void pbx_ami_park_event (struct pbx_leg *parkee, const char *event, struct pbx_leg *retriever);
/* pure text builders, as Asterisk writes them */
char *pbx_ami_channel_text (const char *prefix, const struct pbx_ami_chan *c);
/* timestamp: real time µs for a "Timestamp:" line (timestampevents), 0: none */
char *pbx_ami_event_text (const char *event, gint64 timestamp, const char *system_name,
                          const char *body);
char *pbx_ami_parked_call_text (const struct pbx_ami_chan *parkee,
                                const struct pbx_ami_chan *retriever, const char *parker_dial,
                                const char *lot, const char *space, long timeout, long duration);

/* pbx-media.c */
int pbx_media_alloc (struct pbx_leg *leg);
void pbx_media_close (struct pbx_leg *leg);
struct mbuf *pbx_sdp_offer (struct pbx_leg *leg);
bool pbx_sdp_parse_remote (struct pbx_leg *leg, struct mbuf *mb);
void pbx_moh_start (struct pbx_leg *leg);
void pbx_moh_stop (struct pbx_leg *leg);
void pbx_moh_load (const char *path);
uint8_t pbx_ulaw_encode (int16_t pcm);
