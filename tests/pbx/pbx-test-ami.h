/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A raw manager (AMI) client for tests: what the server sends, byte for
 * byte, split into the banner and one text block per message. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GSocketConnection *conn;
  GCancellable *cancel;
  GString *in;
  char *banner;      /* the first line, without CRLF; NULL until read */
  GPtrArray *blocks; /* char *: each message with its CRLFs and the empty line */
  gboolean closed;   /* the server closed the connection */
  char buf[4096];
} TestAmi;

TestAmi *test_ami_connect (guint16 port);
void test_ami_free (TestAmi *ami);
void test_ami_send (TestAmi *ami, const char *text);
/* Waits for a block containing @needle after index @from; returns its
 * index or -1 after @ms. */
int test_ami_wait (TestAmi *ami, const char *needle, guint from, guint ms);
/* Sends Login and waits for its answer: TRUE for "Authentication accepted". */
gboolean test_ami_login (TestAmi *ami, const char *user, const char *secret);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestAmi, test_ami_free)

G_END_DECLS
