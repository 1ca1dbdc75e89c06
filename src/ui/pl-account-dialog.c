/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-account-dialog"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "pl-account-dialog.h"
#include "pl-sip-uri.h"
#include "pl-ui-util.h"

struct _PlAccountDialog
{
  AdwWindow parent_instance;

  PlAccountStore *store;
  PlAccount *account;
  GCancellable *cancellable;

  AdwEntryRow *display_name_row;
  AdwEntryRow *user_row;
  AdwEntryRow *domain_row;
  AdwEntryRow *auth_user_row;
  AdwEntryRow *password_row;
  AdwComboRow *transport_row;
  AdwEntryRow *proxy_row;
  GtkLabel *error_label;
  GtkWidget *save_button;
};

G_DEFINE_FINAL_TYPE (PlAccountDialog, pl_account_dialog, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_ACCOUNT,
  N_PROPS
};

enum
{
  SIGNAL_SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* Whitespace around pasted values is never meant. */
static char *
row_dup_stripped (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (row_text (row)));
}

static void
set_error (PlAccountDialog *self, const char *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* Field checks the store would also make, done here to point at the row. */
static gboolean
check_rows (PlAccountDialog *self)
{
  g_autofree char *user = row_dup_stripped (self->user_row);
  g_autofree char *domain = row_dup_stripped (self->domain_row);
  g_autofree char *proxy = row_dup_stripped (self->proxy_row);
  g_autofree char *probe = NULL;
  gboolean user_ok = *user != '\0' && strpbrk (user, " @:<>\"") == NULL;
  gboolean domain_ok, proxy_ok;

  probe = g_strdup_printf ("sip:%s@%s", user_ok ? user : "x", domain);
  domain_ok = *domain != '\0' && pl_sip_uri_is_valid (probe);
  proxy_ok = *proxy == '\0' || pl_sip_uri_is_valid (proxy);

  pl_ui_mark_invalid (self->user_row, !user_ok);
  pl_ui_mark_invalid (self->domain_row, !domain_ok);
  pl_ui_mark_invalid (self->proxy_row, !proxy_ok);
  if (!user_ok)
    set_error (self, _ ("Enter the user name or extension, without “@” or spaces"));
  else if (!domain_ok)
    set_error (self, _ ("Enter the server’s domain name or address, e.g. pbx.example.com"));
  else if (!proxy_ok)
    set_error (self, _ ("The outbound proxy must be a SIP address, e.g. sip:proxy.example.com"));
  return user_ok && domain_ok && proxy_ok;
}

static void
field_changed_cb (PlAccountDialog *self)
{
  /* Re-check only once an error is on screen, so fixes show at once. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->error_label)) && check_rows (self))
    set_error (self, NULL);
}

static void
fill_account (PlAccountDialog *self, PlAccount *account)
{
  g_autofree char *display_name = row_dup_stripped (self->display_name_row);
  g_autofree char *user = row_dup_stripped (self->user_row);
  g_autofree char *domain = row_dup_stripped (self->domain_row);
  g_autofree char *auth_user = row_dup_stripped (self->auth_user_row);
  g_autofree char *proxy = row_dup_stripped (self->proxy_row);

  pl_account_set_display_name (account, display_name);
  pl_account_set_user (account, user);
  pl_account_set_domain (account, domain);
  pl_account_set_auth_user (account, auth_user);
  pl_account_set_transport (account, (PlTransport)adw_combo_row_get_selected (self->transport_row));
  pl_account_set_outbound_proxy (account, proxy);
}

static void
save_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PlAccountDialog) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pl_account_store_save_finish (PL_ACCOUNT_STORE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_message ("Saving the account failed: %s", error->message);
      set_error (self, error->message);
      gtk_widget_set_sensitive (self->save_button, TRUE);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, self->account);
  gtk_window_close (GTK_WINDOW (self));
}

void
pl_account_dialog_save (PlAccountDialog *self)
{
  g_autoptr (PlAccount) draft = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  const char *password;

  g_return_if_fail (PL_IS_ACCOUNT_DIALOG (self));

  if (!check_rows (self))
    return;

  /* Validate a draft, so that a rejected edit leaves the live account (the
   * one the engine registers with) untouched. */
  id = self->account ? g_strdup (pl_account_get_id (self->account)) : g_uuid_string_random ();
  draft = pl_account_new (id);
  fill_account (self, draft);
  if (!pl_account_validate (draft, &error))
    {
      set_error (self, error->message);
      return;
    }
  if (self->store == NULL)
    {
      set_error (self, _ ("Accounts cannot be saved: no account storage is available"));
      return;
    }
  set_error (self, NULL);

  if (self->account == NULL)
    self->account = g_steal_pointer (&draft);
  else
    fill_account (self, self->account);

  /* An empty password field means "keep the stored one". */
  password = row_text (self->password_row);
  gtk_widget_set_sensitive (self->save_button, FALSE);
  pl_account_store_save_async (self->store, self->account, *password ? password : NULL,
                               self->cancellable, save_done_cb, g_object_ref (self));
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pl_account_dialog_save (PL_ACCOUNT_DIALOG (widget));
}

const char *
pl_account_dialog_get_error (PlAccountDialog *self)
{
  g_return_val_if_fail (PL_IS_ACCOUNT_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_label (self->error_label);
}

static void
set_row_text (AdwEntryRow *row, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static void
pl_account_dialog_constructed (GObject *object)
{
  PlAccountDialog *self = PL_ACCOUNT_DIALOG (object);

  G_OBJECT_CLASS (pl_account_dialog_parent_class)->constructed (object);

  if (self->account)
    {
      set_row_text (self->display_name_row, pl_account_get_display_name (self->account));
      set_row_text (self->user_row, pl_account_get_user (self->account));
      set_row_text (self->domain_row, pl_account_get_domain (self->account));
      set_row_text (self->auth_user_row, pl_account_get_auth_user (self->account));
      set_row_text (self->proxy_row, pl_account_get_outbound_proxy (self->account));
      adw_combo_row_set_selected (self->transport_row, pl_account_get_transport (self->account));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row),
                                     _ ("Password (leave empty to keep)"));
    }
  else
    gtk_window_set_title (GTK_WINDOW (self), _ ("Set Up Account"));

  /* Start typing where the first required field is; Enter saves. */
  gtk_window_set_default_widget (GTK_WINDOW (self), self->save_button);
  gtk_widget_grab_focus (self->account ? GTK_WIDGET (self->password_row)
                                       : GTK_WIDGET (self->display_name_row));
}

static void
pl_account_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlAccountDialog *self = PL_ACCOUNT_DIALOG (object);

  switch (prop_id)
    {
      case PROP_STORE:
        g_value_set_object (value, self->store);
        break;
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_account_dialog_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  PlAccountDialog *self = PL_ACCOUNT_DIALOG (object);

  switch (prop_id)
    {
      case PROP_STORE:
        self->store = g_value_dup_object (value);
        break;
      case PROP_ACCOUNT:
        self->account = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_account_dialog_dispose (GObject *object)
{
  PlAccountDialog *self = PL_ACCOUNT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PL_TYPE_ACCOUNT_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->account);
  G_OBJECT_CLASS (pl_account_dialog_parent_class)->dispose (object);
}

static void
pl_account_dialog_class_init (PlAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = pl_account_dialog_constructed;
  object_class->dispose = pl_account_dialog_dispose;
  object_class->get_property = pl_account_dialog_get_property;
  object_class->set_property = pl_account_dialog_set_property;

  properties[PROP_STORE]
      = g_param_spec_object ("store", NULL, NULL, PL_TYPE_ACCOUNT_STORE,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT]
      = g_param_spec_object ("account", NULL, NULL, PL_TYPE_ACCOUNT,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, PL_TYPE_ACCOUNT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parkline/Parkline/pl-account-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PlAccountDialog, display_name_row);
  gtk_widget_class_bind_template_child (widget_class, PlAccountDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, PlAccountDialog, domain_row);
  gtk_widget_class_bind_template_child (widget_class, PlAccountDialog, auth_user_row);
  gtk_widget_class_bind_template_child (widget_class, PlAccountDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, PlAccountDialog, transport_row);
  gtk_widget_class_bind_template_child (widget_class, PlAccountDialog, proxy_row);
  gtk_widget_class_bind_template_child (widget_class, PlAccountDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, PlAccountDialog, save_button);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);

  gtk_widget_class_install_action (widget_class, "account.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pl_account_dialog_init (PlAccountDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  pl_ui_label_rows (GTK_WIDGET (self));
}

PlAccountDialog *
pl_account_dialog_new (GtkWindow *parent, PlAccountStore *store, PlAccount *account)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (store == NULL || PL_IS_ACCOUNT_STORE (store), NULL);
  g_return_val_if_fail (account == NULL || PL_IS_ACCOUNT (account), NULL);

  return g_object_new (PL_TYPE_ACCOUNT_DIALOG, "transient-for", parent, "store", store, "account",
                       account, NULL);
}
