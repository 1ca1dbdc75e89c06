/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pbx-test-ami"

#include <string.h>

#include "pbx-test-ami.h"
#include "pl-test-util.h"

static void read_more (TestAmi *ami);

static void
split_blocks (TestAmi *ami)
{
  char *end;

  if (ami->banner == NULL)
    {
      end = strstr (ami->in->str, "\r\n");
      if (end == NULL)
        return;
      ami->banner = g_strndup (ami->in->str, end - ami->in->str);
      g_string_erase (ami->in, 0, end - ami->in->str + 2);
    }
  while ((end = strstr (ami->in->str, "\r\n\r\n")) != NULL)
    {
      gsize length = end - ami->in->str + 4;

      g_ptr_array_add (ami->blocks, g_strndup (ami->in->str, length));
      g_string_erase (ami->in, 0, length);
    }
}

static void
read_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TestAmi *ami = user_data;
  g_autoptr (GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (n <= 0)
    {
      ami->closed = TRUE;
      return;
    }
  g_string_append_len (ami->in, ami->buf, n);
  split_blocks (ami);
  read_more (ami);
}

static void
read_more (TestAmi *ami)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (ami->conn)), ami->buf,
                             sizeof ami->buf, G_PRIORITY_DEFAULT, ami->cancel, read_done, ami);
}

TestAmi *
test_ami_connect (guint16 port)
{
  TestAmi *ami = g_new0 (TestAmi, 1);
  g_autoptr (GError) error = NULL;

  ami->conn = pl_test_connect_loopback (port, &error);
  g_assert_no_error (error);
  ami->cancel = g_cancellable_new ();
  ami->in = g_string_new (NULL);
  ami->blocks = g_ptr_array_new_with_free_func (g_free);
  read_more (ami);
  return ami;
}

void
test_ami_free (TestAmi *ami)
{
  g_cancellable_cancel (ami->cancel);
  /* let the cancelled read finish before its buffer goes */
  pl_test_spin (10);
  g_io_stream_close (G_IO_STREAM (ami->conn), NULL, NULL);
  g_object_unref (ami->conn);
  g_object_unref (ami->cancel);
  g_string_free (ami->in, TRUE);
  g_ptr_array_unref (ami->blocks);
  g_free (ami->banner);
  g_free (ami);
}

void
test_ami_send (TestAmi *ami, const char *text)
{
  g_autoptr (GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (ami->conn)), text,
                             strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
}

static int
find_block (TestAmi *ami, const char *needle, guint from)
{
  for (guint i = from; i < ami->blocks->len; i++)
    if (strstr (g_ptr_array_index (ami->blocks, i), needle))
      return (int)i;
  return -1;
}

int
test_ami_wait (TestAmi *ami, const char *needle, guint from, guint ms)
{
  PL_TEST_WAIT (find_block (ami, needle, from) >= 0 || ami->closed, ms);
  return find_block (ami, needle, from);
}

gboolean
test_ami_login (TestAmi *ami, const char *user, const char *secret)
{
  g_autofree char *login = g_strdup_printf (
      "Action: Login\r\nActionID: login\r\nUsername: %s\r\nSecret: %s\r\nEvents: call\r\n\r\n",
      user, secret);
  guint from = ami->blocks->len;
  int index;

  test_ami_send (ami, login);
  index = test_ami_wait (ami, "ActionID: login\r\n", from, 5000);
  return index >= 0
         && strstr (g_ptr_array_index (ami->blocks, index), "Authentication accepted") != NULL;
}
