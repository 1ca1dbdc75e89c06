/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-lot-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pl-lot-editor.h"
#include "pl-ui-util.h"

/* The manager interface's usual ports, plain and TLS (Asterisk's
 * manager.conf defaults). */
#define MANAGER_PORT     ":5038"
#define MANAGER_TLS_PORT ":5039"

struct _PlLotEditor
{
  AdwWindow parent_instance;

  GPtrArray *others;     /* PlParkLotConfig, owned copies */
  PlParkProfile profile; /* the profile the fields were last filled for */
  gboolean filling;

  AdwEntryRow *name_row;
  AdwComboRow *profile_row;
  AdwEntryRow *extension_row;
  GtkSpinButton *first_spin;
  GtkSpinButton *last_spin;
  GtkSpinButton *timeout_spin;
  AdwComboRow *subscribe_row;
  AdwEntryRow *list_uri_row;
  GtkWidget *templates_group;
  AdwEntryRow *park_uri_row;
  AdwEntryRow *retrieve_uri_row;
  AdwEntryRow *subscribe_uri_row;
  GtkWidget *error_group;
  GtkLabel *error_label;
  GtkWidget *save_button;

  /* Caller names from the manager interface. */
  PlParkFeed *feed;     /* the running lot's, NULL when it has none */
  gboolean had_manager; /* a secret is stored that an empty field keeps */
  AdwEntryRow *manager_host_row;
  AdwEntryRow *manager_user_row;
  AdwEntryRow *manager_secret_row;
  GtkSwitch *manager_tls_switch;
  AdwEntryRow *manager_parkinglot_row;
  AdwActionRow *manager_status_row;
  GtkImage *manager_status_icon;
  GtkWidget *manager_events_only_row;
};

G_DEFINE_FINAL_TYPE (PlLotEditor, pl_lot_editor, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
dup_stripped (gpointer editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
}

static void
set_text (gpointer editable, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), text ? text : "");
}

/* What is typed counts at once, before the spin button commits it on
 * activate or focus-out: errors follow the keyboard. */
static int
spin_value (GtkSpinButton *spin)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  gint64 value;

  if (g_ascii_string_to_signed (text, 10, 0, G_MAXINT, &value, NULL))
    return (int)value;
  return gtk_spin_button_get_value_as_int (spin);
}

static void
set_spin (GtkSpinButton *spin, int value)
{
  gtk_spin_button_set_value (spin, value);
  /* The value is clamped silently; keep the text in step even then. */
  {
    g_autofree char *text = g_strdup_printf ("%d", value);
    set_text (spin, text);
  }
}

static gboolean
has_park_extension (PlParkProfile profile)
{
  return profile == PL_PARK_PROFILE_ASTERISK || profile == PL_PARK_PROFILE_FREEPBX;
}

/* An empty host means "no manager": the other manager fields are then
 * ignored rather than reported. The secret is taken as typed (spaces may be
 * part of it); empty means "keep the stored one". */
static void
dup_manager (PlLotEditor *self, PlParkLotConfig *c)
{
  g_autofree char *host = dup_stripped (self->manager_host_row);
  const char *secret = gtk_editable_get_text (GTK_EDITABLE (self->manager_secret_row));

  if (*host == '\0')
    return;
  c->manager_host = g_steal_pointer (&host);
  c->manager_user = dup_stripped (self->manager_user_row);
  c->manager_secret = *secret != '\0' ? g_strdup (secret) : NULL;
  c->manager_tls = gtk_switch_get_active (self->manager_tls_switch);
  g_free (c->manager_parkinglot);
  c->manager_parkinglot = dup_stripped (self->manager_parkinglot_row);
}

PlParkLotConfig *
pl_lot_editor_dup_config (PlLotEditor *self)
{
  PlParkLotConfig *c;
  g_autofree char *name = NULL;
  PlParkProfile profile;

  g_return_val_if_fail (PL_IS_LOT_EDITOR (self), NULL);

  name = dup_stripped (self->name_row);
  profile = (PlParkProfile)adw_combo_row_get_selected (self->profile_row);
  c = pl_park_lot_config_new (name, profile);
  g_clear_pointer (&c->park_extension, g_free);
  /* Kept even when empty, so that a cleared extension is saved as cleared
   * rather than falling back to the profile's default. */
  if (has_park_extension (profile))
    c->park_extension = dup_stripped (self->extension_row);
  c->first_slot = spin_value (self->first_spin);
  c->last_slot = spin_value (self->last_spin);
  c->timeout = (guint)MAX (spin_value (self->timeout_spin), 0);
  c->subscribe = (PlParkSubscribeMethod)adw_combo_row_get_selected (self->subscribe_row);
  if (c->subscribe == PL_PARK_SUBSCRIBE_LIST)
    c->list_uri = dup_stripped (self->list_uri_row);
  g_clear_pointer (&c->park_template, g_free);
  g_clear_pointer (&c->retrieve_template, g_free);
  g_clear_pointer (&c->subscribe_template, g_free);
  if (profile == PL_PARK_PROFILE_CUSTOM)
    {
      c->park_template = dup_stripped (self->park_uri_row);
      c->retrieve_template = dup_stripped (self->retrieve_uri_row);
      c->subscribe_template = dup_stripped (self->subscribe_uri_row);
    }
  dup_manager (self, c);
  return c;
}

static void
mark_template (AdwEntryRow *row, gboolean need_slot)
{
  g_autofree char *text = dup_stripped (row);

  pl_ui_mark_invalid (row, !pl_park_template_validate (text, need_slot, NULL));
}

/* Whether the core accepts the lot once the text field at offset holds a
 * harmless value: then that field is the one it objects to. */
static gboolean
accepted_with (const PlParkLotConfig *c, glong offset)
{
  g_autoptr (PlParkLotConfig) copy = pl_park_lot_config_copy (c);
  char **field = G_STRUCT_MEMBER_P (copy, offset);

  g_free (*field);
  *field = g_strdup ("x");
  return pl_park_lot_config_validate (copy, NULL);
}

/* A manager needs a secret: typed now, or stored before (kept when the field
 * stays empty). */
static gboolean
secret_missing (PlLotEditor *self, const PlParkLotConfig *c)
{
  return c->manager_host != NULL && c->manager_secret == NULL && !self->had_manager;
}

static void
mark_manager_rows (PlLotEditor *self, const PlParkLotConfig *c, const GError *error)
{
  gpointer bad = NULL;

  if (error != NULL && error->code == PL_PARK_PROFILE_ERROR_INVALID_MANAGER)
    {
      /* The core is content: the editor's own objection, a missing secret. */
      if (pl_park_lot_config_validate (c, NULL))
        bad = self->manager_secret_row;
      else if (!pl_park_manager_host_parse (c->manager_host, NULL, NULL))
        bad = self->manager_host_row;
      else if (accepted_with (c, G_STRUCT_OFFSET (PlParkLotConfig, manager_user)))
        bad = self->manager_user_row;
      else if (accepted_with (c, G_STRUCT_OFFSET (PlParkLotConfig, manager_parkinglot)))
        bad = self->manager_parkinglot_row;
      else
        bad = self->manager_secret_row;
    }
  pl_ui_mark_invalid (self->manager_host_row, bad == (gpointer)self->manager_host_row);
  pl_ui_mark_invalid (self->manager_user_row, bad == (gpointer)self->manager_user_row);
  pl_ui_mark_invalid (self->manager_secret_row, bad == (gpointer)self->manager_secret_row);
  pl_ui_mark_invalid (self->manager_parkinglot_row, bad == (gpointer)self->manager_parkinglot_row);
}

/* The core's validators decide; the error code only says which rows to
 * point at. */
static void
mark_rows (PlLotEditor *self, const PlParkLotConfig *c, const GError *error, gboolean with_others)
{
  gboolean extension_bad = FALSE;

  pl_ui_mark_invalid (self->name_row, error && error->code == PL_PARK_PROFILE_ERROR_INVALID_NAME);
  pl_ui_mark_invalid (self->first_spin,
                      error
                          && (error->code == PL_PARK_PROFILE_ERROR_INVALID_RANGE
                              || (with_others && error->code == PL_PARK_PROFILE_ERROR_OVERLAP)));
  pl_ui_mark_invalid (self->last_spin,
                      error
                          && (error->code == PL_PARK_PROFILE_ERROR_INVALID_RANGE
                              || (with_others && error->code == PL_PARK_PROFILE_ERROR_OVERLAP)));
  pl_ui_mark_invalid (self->timeout_spin, error
                                              && error->code == PL_PARK_PROFILE_ERROR_INVALID_VALUE
                                              && (c->timeout == 0 || c->timeout > 24 * 3600));
  if (error != NULL)
    switch (error->code)
      {
        case PL_PARK_PROFILE_ERROR_NO_PARK_EXTENSION:
          extension_bad = TRUE;
          break;
        case PL_PARK_PROFILE_ERROR_OVERLAP:
          extension_bad = !with_others;
          break;
        case PL_PARK_PROFILE_ERROR_INVALID_VALUE:
          extension_bad = !gtk_widget_has_css_class (GTK_WIDGET (self->timeout_spin), "error");
          break;
        default:
          break;
      }
  pl_ui_mark_invalid (self->extension_row, extension_bad);

  mark_manager_rows (self, c, error);

  if (error != NULL && error->code == PL_PARK_PROFILE_ERROR_INVALID_TEMPLATE)
    {
      mark_template (self->park_uri_row, FALSE);
      mark_template (self->retrieve_uri_row, TRUE);
      mark_template (self->subscribe_uri_row, TRUE);
      mark_template (self->list_uri_row, FALSE);
    }
  else
    {
      pl_ui_mark_invalid (self->park_uri_row, FALSE);
      pl_ui_mark_invalid (self->retrieve_uri_row, FALSE);
      pl_ui_mark_invalid (self->subscribe_uri_row, FALSE);
      pl_ui_mark_invalid (self->list_uri_row, FALSE);
    }
}

static gboolean
validate (PlLotEditor *self)
{
  g_autoptr (PlParkLotConfig) c = pl_lot_editor_dup_config (self);
  g_autoptr (GError) error = NULL;
  gboolean with_others = FALSE;

  if (pl_park_lot_config_validate (c, &error))
    {
      /* Borrowed pointers: the array must not free them. */
      g_autoptr (GPtrArray) all = g_ptr_array_new ();

      for (guint i = 0; i < self->others->len; i++)
        g_ptr_array_add (all, g_ptr_array_index (self->others, i));
      g_ptr_array_add (all, c);
      with_others = TRUE;
      if (pl_park_lot_configs_validate (all, &error) && secret_missing (self, c))
        g_set_error_literal (&error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_INVALID_MANAGER,
                             _ ("Enter the manager user’s secret"));
    }
  mark_rows (self, c, error, with_others);
  gtk_label_set_label (self->error_label, error ? error->message : "");
  /* The whole group, or its empty space would stay. */
  gtk_widget_set_visible (self->error_group, error != NULL);
  gtk_widget_set_sensitive (self->save_button, error == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lot.save", error == NULL);
  return error == NULL;
}

static void
update_visibility (PlLotEditor *self)
{
  PlParkProfile profile = (PlParkProfile)adw_combo_row_get_selected (self->profile_row);
  guint method = adw_combo_row_get_selected (self->subscribe_row);

  gtk_widget_set_visible (GTK_WIDGET (self->extension_row), has_park_extension (profile));
  gtk_widget_set_visible (self->templates_group, profile == PL_PARK_PROFILE_CUSTOM);
  gtk_widget_set_visible (GTK_WIDGET (self->list_uri_row), method == PL_PARK_SUBSCRIBE_LIST);
  /* A list subscription replaces the per-slot one. */
  gtk_widget_set_visible (GTK_WIDGET (self->subscribe_uri_row), method != PL_PARK_SUBSCRIBE_LIST);
}

static void
field_changed_cb (PlLotEditor *self)
{
  if (!self->filling)
    validate (self);
}

static void
fill (PlLotEditor *self, const PlParkLotConfig *c)
{
  self->filling = TRUE;
  set_text (self->name_row, c->name);
  adw_combo_row_set_selected (self->profile_row, c->profile);
  set_text (self->extension_row, c->park_extension);
  set_spin (self->first_spin, c->first_slot);
  set_spin (self->last_spin, c->last_slot);
  set_spin (self->timeout_spin, (int)c->timeout);
  adw_combo_row_set_selected (self->subscribe_row, c->subscribe);
  set_text (self->list_uri_row, c->list_uri);
  set_text (self->park_uri_row, c->park_template);
  set_text (self->retrieve_uri_row, c->retrieve_template);
  set_text (self->subscribe_uri_row, c->subscribe_template);
  set_text (self->manager_host_row, c->manager_host);
  set_text (self->manager_user_row, c->manager_user);
  set_text (self->manager_secret_row, NULL);
  gtk_switch_set_active (self->manager_tls_switch, c->manager_tls);
  set_text (self->manager_parkinglot_row, c->manager_parkinglot);
  self->had_manager = c->manager_host != NULL;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->manager_secret_row),
                                 self->had_manager ? _ ("Secret (leave empty to keep)")
                                                   : _ ("Secret"));
  pl_ui_label_rows (GTK_WIDGET (self->manager_secret_row));
  self->profile = c->profile;
  self->filling = FALSE;
  update_visibility (self);
}

static void
replace_if_default (gpointer editable, const char *old_default, const char *new_default)
{
  g_autofree char *text = dup_stripped (editable);

  if (g_strcmp0 (text, old_default ? old_default : "") == 0)
    set_text (editable, new_default);
}

static void
replace_spin_if_default (GtkSpinButton *spin, int old_default, int new_default)
{
  if (spin_value (spin) == old_default)
    set_spin (spin, new_default);
}

/* A new profile brings its defaults, but only into fields the user has not
 * changed from the old profile's defaults. */
static void
profile_changed_cb (PlLotEditor *self)
{
  PlParkProfile profile = (PlParkProfile)adw_combo_row_get_selected (self->profile_row);
  g_autoptr (PlParkLotConfig) old = NULL;
  g_autoptr (PlParkLotConfig) new = NULL;

  if (self->filling || profile == self->profile)
    return;
  old = pl_park_lot_config_new ("", self->profile);
  new = pl_park_lot_config_new ("", profile);
  self->filling = TRUE;
  replace_if_default (self->extension_row, old->park_extension, new->park_extension);
  replace_spin_if_default (self->first_spin, old->first_slot, new->first_slot);
  replace_spin_if_default (self->last_spin, old->last_slot, new->last_slot);
  replace_spin_if_default (self->timeout_spin, (int)old->timeout, (int)new->timeout);
  replace_if_default (self->park_uri_row, old->park_template, new->park_template);
  replace_if_default (self->retrieve_uri_row, old->retrieve_template, new->retrieve_template);
  replace_if_default (self->subscribe_uri_row, old->subscribe_template, new->subscribe_template);
  self->filling = FALSE;
  self->profile = profile;
  update_visibility (self);
  validate (self);
}

static void
subscribe_changed_cb (PlLotEditor *self)
{
  if (self->filling)
    return;
  update_visibility (self);
  validate (self);
}

/* Turning TLS on or off moves a host on the usual port to the other usual
 * port; any other port is the admin's choice and stays. */
static void
tls_changed_cb (PlLotEditor *self)
{
  gboolean tls = gtk_switch_get_active (self->manager_tls_switch);
  const char *from = tls ? MANAGER_PORT : MANAGER_TLS_PORT;
  const char *to = tls ? MANAGER_TLS_PORT : MANAGER_PORT;
  g_autofree char *host = dup_stripped (self->manager_host_row);

  if (self->filling)
    return;
  if (g_str_has_suffix (host, from))
    {
      g_autofree char *moved = NULL;

      host[strlen (host) - strlen (from)] = '\0';
      moved = g_strconcat (host, to, NULL);
      set_text (self->manager_host_row, moved);
    }
  validate (self);
}

static const char *
feed_status_icon (PlParkFeedStatus status)
{
  switch (status)
    {
      case PL_PARK_FEED_STATUS_CONNECTED:
        return "network-transmit-receive-symbolic";
      case PL_PARK_FEED_STATUS_CONNECTING:
        return "content-loading-symbolic";
      case PL_PARK_FEED_STATUS_STOPPED:
        return "network-offline-symbolic";
      case PL_PARK_FEED_STATUS_AUTH_FAILED:
      case PL_PARK_FEED_STATUS_REFUSED:
      case PL_PARK_FEED_STATUS_UNREACHABLE:
      case PL_PARK_FEED_STATUS_NOT_ANSWERING:
      case PL_PARK_FEED_STATUS_TLS_FAILED:
      case PL_PARK_FEED_STATUS_PROTOCOL_ERROR:
      case PL_PARK_FEED_STATUS_LOST:
      default:
        return "dialog-error-symbolic";
    }
}

/* The running lot's connection, as it is now (not as the fields would
 * make it: that shows after Save). */
static void
update_feed_status (PlLotEditor *self)
{
  PlParkFeedStatus status;
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;
  gboolean failed;

  gtk_widget_set_visible (GTK_WIDGET (self->manager_status_row), self->feed != NULL);
  if (self->feed == NULL)
    {
      gtk_widget_set_visible (self->manager_events_only_row, FALSE);
      return;
    }
  status = pl_park_feed_get_status (self->feed);
  text = pl_park_feed_dup_status_text (self->feed);
  failed = g_str_equal (feed_status_icon (status), "dialog-error-symbolic");
  adw_action_row_set_subtitle (self->manager_status_row, text);
  gtk_image_set_from_icon_name (self->manager_status_icon, feed_status_icon (status));
  pl_ui_set_css_class (self->manager_status_row, "feed-failed", failed);
  label = g_strdup_printf (_ ("Connection: %s"), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->manager_status_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_visible (self->manager_events_only_row,
                          status == PL_PARK_FEED_STATUS_CONNECTED
                              && pl_park_feed_get_events_only (self->feed));
}

void
pl_lot_editor_set_feed (PlLotEditor *self, PlParkFeed *feed)
{
  g_return_if_fail (PL_IS_LOT_EDITOR (self));
  g_return_if_fail (feed == NULL || PL_IS_PARK_FEED (feed));

  if (self->feed != NULL)
    g_signal_handlers_disconnect_by_data (self->feed, self);
  g_set_object (&self->feed, feed);
  if (feed != NULL)
    g_signal_connect_swapped (feed, "notify", G_CALLBACK (update_feed_status), self);
  update_feed_status (self);
}

const char *
pl_lot_editor_get_error (PlLotEditor *self)
{
  g_return_val_if_fail (PL_IS_LOT_EDITOR (self), NULL);

  if (!gtk_widget_get_visible (self->error_group))
    return NULL;
  return gtk_label_get_label (self->error_label);
}

gboolean
pl_lot_editor_can_save (PlLotEditor *self)
{
  g_return_val_if_fail (PL_IS_LOT_EDITOR (self), FALSE);
  return gtk_widget_get_sensitive (self->save_button);
}

void
pl_lot_editor_save (PlLotEditor *self)
{
  g_autoptr (PlParkLotConfig) c = NULL;

  g_return_if_fail (PL_IS_LOT_EDITOR (self));

  /* Commit typed numbers the way focus-out would. */
  gtk_spin_button_update (self->first_spin);
  gtk_spin_button_update (self->last_spin);
  gtk_spin_button_update (self->timeout_spin);
  if (!validate (self))
    return;
  c = pl_lot_editor_dup_config (self);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, c);
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pl_lot_editor_save (PL_LOT_EDITOR (widget));
}

static void
pl_lot_editor_dispose (GObject *object)
{
  PlLotEditor *self = PL_LOT_EDITOR (object);

  if (self->feed != NULL)
    g_signal_handlers_disconnect_by_data (self->feed, self);
  g_clear_object (&self->feed);
  gtk_widget_dispose_template (GTK_WIDGET (object), PL_TYPE_LOT_EDITOR);
  G_OBJECT_CLASS (pl_lot_editor_parent_class)->dispose (object);
}

static void
pl_lot_editor_finalize (GObject *object)
{
  PlLotEditor *self = PL_LOT_EDITOR (object);

  g_clear_pointer (&self->others, g_ptr_array_unref);
  G_OBJECT_CLASS (pl_lot_editor_parent_class)->finalize (object);
}

static void
pl_lot_editor_class_init (PlLotEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pl_lot_editor_dispose;
  object_class->finalize = pl_lot_editor_finalize;

  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, PL_TYPE_PARK_LOT_CONFIG);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parkline/Parkline/pl-lot-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, profile_row);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, extension_row);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, first_spin);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, last_spin);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, subscribe_row);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, list_uri_row);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, templates_group);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, park_uri_row);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, retrieve_uri_row);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, subscribe_uri_row);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, error_group);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, manager_host_row);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, manager_user_row);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, manager_secret_row);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, manager_tls_switch);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, manager_parkinglot_row);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, manager_status_row);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, manager_status_icon);
  gtk_widget_class_bind_template_child (widget_class, PlLotEditor, manager_events_only_row);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);

  gtk_widget_class_install_action (widget_class, "lot.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pl_lot_editor_init (PlLotEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  pl_ui_label_rows (GTK_WIDGET (self));
  pl_ui_label_icon_buttons (GTK_WIDGET (self->manager_secret_row));
  g_signal_connect_swapped (self->profile_row, "notify::selected", G_CALLBACK (profile_changed_cb),
                            self);
  g_signal_connect_swapped (self->subscribe_row, "notify::selected",
                            G_CALLBACK (subscribe_changed_cb), self);
  g_signal_connect_swapped (self->manager_tls_switch, "notify::active", G_CALLBACK (tls_changed_cb),
                            self);
}

static char *
unused_name (GPtrArray *others)
{
  for (guint n = 1;; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup (_ ("Main")) : g_strdup_printf (_ ("Lot %u"), n);
      gboolean taken = FALSE;

      for (guint i = 0; i < others->len && !taken; i++)
        taken = g_strcmp0 (((PlParkLotConfig *)g_ptr_array_index (others, i))->name, name) == 0;
      if (!taken)
        return g_steal_pointer (&name);
    }
}

PlLotEditor *
pl_lot_editor_new (GtkWindow *parent, const PlParkLotConfig *config, GPtrArray *others)
{
  PlLotEditor *self;
  g_autoptr (PlParkLotConfig) fresh = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (PL_TYPE_LOT_EDITOR, "transient-for", parent, NULL);
  self->others = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_park_lot_config_free);
  for (guint i = 0; others != NULL && i < others->len; i++)
    g_ptr_array_add (self->others, pl_park_lot_config_copy (g_ptr_array_index (others, i)));

  if (config == NULL)
    {
      g_autofree char *name = unused_name (self->others);

      fresh = pl_park_lot_config_new (name, PL_PARK_PROFILE_ASTERISK);
      gtk_window_set_title (GTK_WINDOW (self), _ ("New Park Lot"));
    }
  fill (self, config ? config : fresh);
  validate (self);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->save_button);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  return self;
}
