/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-call-pane"

#include "config.h"

#include <glib/gi18n.h>

#include "pl-call-pane.h"
#include "pl-call-row.h"
#include "pl-util.h"
#include "pl-sip-uri.h"
#include "pl-ui-util.h"

struct _PlCallPane
{
  GtkWidget parent_instance;

  PlCall *call;
  guint tick_id;

  GtkWidget *box;
  AdwAvatar *avatar;
  GtkLabel *title_label;
  GtkLabel *uri_label;
  GtkLabel *state_label;
  GtkLabel *duration_label;
  GtkLabel *note_label;
  GtkWidget *incoming_box;
  GtkWidget *answer_button;
  GtkWidget *decline_button;
  GtkWidget *controls_box;
  GtkWidget *hangup_button;
  GtkWidget *transfer_button;
  GtkWidget *park_button;
  GtkPopover *transfer_popover;
  GtkEntry *transfer_entry;
  GtkLabel *transfer_error_label;
};

G_DEFINE_FINAL_TYPE (PlCallPane, pl_call_pane, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_CALL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_duration (PlCallPane *self)
{
  g_autofree char *text = NULL;

  if (self->call == NULL || pl_call_get_answered (self->call) == 0)
    {
      gtk_label_set_label (self->duration_label, "");
      return;
    }
  text = pl_format_duration (pl_call_get_duration (self->call));
  gtk_label_set_label (self->duration_label, text);
}

static gboolean
tick_cb (gpointer user_data)
{
  update_duration (user_data);
  return G_SOURCE_CONTINUE;
}

/* The clock only runs while someone can see it and it can change. */
static void
update_tick (PlCallPane *self)
{
  gboolean needed = self->call != NULL && gtk_widget_get_mapped (GTK_WIDGET (self))
                    && pl_call_get_answered (self->call) != 0 && pl_call_is_live (self->call);

  if (needed && self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  else if (!needed && self->tick_id != 0)
    g_clear_handle_id (&self->tick_id, g_source_remove);
  update_duration (self);
}

static void
update_identity (PlCallPane *self)
{
  g_autofree char *title = self->call ? pl_call_dup_title (self->call) : NULL;
  const char *uri = self->call ? pl_call_get_peer_uri (self->call) : NULL;

  gtk_label_set_label (self->title_label, title ? title : "");
  gtk_label_set_label (self->uri_label, uri ? uri : "");
  /* The address adds nothing when the title already is the address. */
  gtk_widget_set_visible (GTK_WIDGET (self->uri_label), uri != NULL && g_strcmp0 (uri, title) != 0);
  adw_avatar_set_text (self->avatar, title);
}

/* Closes the transfer popover with the keyboard focus handed back to the
 * button that opened it. Hiding a popover that holds the focus makes a GTK
 * 4.8 GtkWindow keep a reference on it until its next frame, and a second
 * such hide in the same frame (the call ending: controls_box goes too)
 * overwrites that reference without dropping it. The leaked popover then
 * outlives its surface, and GTK's tooltip timer, still aimed at it since
 * the popup's pointer grab, asks that gone surface for the pointer. */
static void
close_transfer_popover (PlCallPane *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  if (focus && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->transfer_popover))
      && !gtk_widget_grab_focus (self->transfer_button))
    gtk_root_set_focus (root, NULL);
  gtk_popover_popdown (self->transfer_popover);
}

/* "Parking…", "Parked on 701", "Returned from 701 after 0:45". */
static void
update_note (PlCallPane *self)
{
  const char *note = self->call ? pl_call_get_note (self->call) : NULL;

  gtk_label_set_label (self->note_label, note ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note != NULL && *note != '\0');
}

static void
update_state (PlCallPane *self)
{
  PlCallState state = self->call ? pl_call_get_state (self->call) : PL_CALL_STATE_ENDED;
  PlCallActions actions = pl_ui_call_actions (self->call != NULL, state);
  const char *text = self->call ? pl_call_state_to_string (state) : "";

  if (self->call && state == PL_CALL_STATE_ENDED && pl_call_get_end_reason (self->call))
    text = pl_call_get_end_reason (self->call);
  gtk_label_set_label (self->state_label, text);

  /* Before the controls hide: the focus can still move to the button. */
  if (!(actions & PL_CALL_ACTION_TRANSFER))
    close_transfer_popover (self);

  gtk_widget_set_visible (self->incoming_box, state == PL_CALL_STATE_INCOMING);
  gtk_widget_set_visible (self->controls_box,
                          state == PL_CALL_STATE_ACTIVE || state == PL_CALL_STATE_HELD);
  gtk_widget_set_visible (self->hangup_button, (actions & PL_CALL_ACTION_HANGUP) != 0);
  /* A menu button cannot carry an action; mirror win.transfer's rule. */
  gtk_widget_set_sensitive (self->transfer_button, (actions & PL_CALL_ACTION_TRANSFER) != 0);

  pl_ui_set_css_class (self, "held", state == PL_CALL_STATE_HELD);
  update_tick (self);
}

static void
call_notify_cb (PlCallPane *self, GParamSpec *pspec, PlCall *call)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "title") || g_str_equal (name, "peer-uri"))
    update_identity (self);
  else if (g_str_equal (name, "state") || g_str_equal (name, "answered")
           || g_str_equal (name, "end-reason"))
    update_state (self);
  else if (g_str_equal (name, "note"))
    update_note (self);
}

static void
set_transfer_error (PlCallPane *self, const char *message)
{
  gtk_label_set_label (self->transfer_error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->transfer_error_label), message != NULL);
  pl_ui_mark_invalid (self->transfer_entry, message != NULL);
  /* The label shows the error; screen readers get it as the description. */
  if (message)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->transfer_entry),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->transfer_entry),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* The same normalisation the call manager will apply, so errors show up
 * here, next to the entry, before anything is sent. */
static char *
normalize_target (PlCallPane *self, const char *text, GError **error)
{
  g_autofree char *domain = NULL;

  if (self->call && pl_call_get_account_aor (self->call))
    domain = pl_sip_uri_dup_host (pl_call_get_account_aor (self->call));
  return pl_sip_uri_normalize (text, domain, error);
}

static void
transfer_changed_cb (PlCallPane *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;

  /* Only correct an error already shown: no scolding while typing. */
  if (!gtk_widget_get_visible (GTK_WIDGET (self->transfer_error_label)))
    return;
  uri = normalize_target (self, gtk_editable_get_text (GTK_EDITABLE (self->transfer_entry)),
                          &error);
  set_transfer_error (self, error ? error->message : NULL);
}

static void
transfer_activate_cb (PlCallPane *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->transfer_entry));
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = normalize_target (self, text, &error);

  if (uri == NULL)
    {
      set_transfer_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->transfer_entry));
      return;
    }
  set_transfer_error (self, NULL);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.transfer", "s", text);
  close_transfer_popover (self);
  gtk_editable_set_text (GTK_EDITABLE (self->transfer_entry), "");
}

static void
transfer_popover_show_cb (PlCallPane *self)
{
  set_transfer_error (self, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->transfer_entry));
}

static void
pl_call_pane_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (pl_call_pane_parent_class)->map (widget);
  update_tick (PL_CALL_PANE (widget));
}

static void
pl_call_pane_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (pl_call_pane_parent_class)->unmap (widget);
  update_tick (PL_CALL_PANE (widget));
}

static void
pl_call_pane_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlCallPane *self = PL_CALL_PANE (object);

  switch (prop_id)
    {
      case PROP_CALL:
        g_value_set_object (value, self->call);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_call_pane_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PlCallPane *self = PL_CALL_PANE (object);

  switch (prop_id)
    {
      case PROP_CALL:
        pl_call_pane_set_call (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_call_pane_dispose (GObject *object)
{
  PlCallPane *self = PL_CALL_PANE (object);

  pl_call_pane_set_call (self, NULL);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), PL_TYPE_CALL_PANE);
  G_OBJECT_CLASS (pl_call_pane_parent_class)->dispose (object);
}

static void
pl_call_pane_class_init (PlCallPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pl_call_pane_dispose;
  object_class->get_property = pl_call_pane_get_property;
  object_class->set_property = pl_call_pane_set_property;
  widget_class->map = pl_call_pane_map;
  widget_class->unmap = pl_call_pane_unmap;

  properties[PROP_CALL]
      = g_param_spec_object ("call", NULL, NULL, PL_TYPE_CALL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parkline/Parkline/pl-call-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, box);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, avatar);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, title_label);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, uri_label);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, state_label);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, duration_label);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, note_label);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, incoming_box);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, answer_button);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, decline_button);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, controls_box);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, hangup_button);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, transfer_button);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, park_button);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, transfer_popover);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, transfer_entry);
  gtk_widget_class_bind_template_child (widget_class, PlCallPane, transfer_error_label);
  gtk_widget_class_bind_template_callback (widget_class, transfer_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, transfer_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, transfer_popover_show_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "callpane");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pl_call_pane_init (PlCallPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The caller's picture and name are what people grab to park the call. */
  pl_call_add_drag_source (GTK_WIDGET (self->avatar), (gpointer)pl_call_pane_get_call, self);
  pl_call_add_drag_source (GTK_WIDGET (self->title_label), (gpointer)pl_call_pane_get_call, self);
  /* Not actionable, but its tooltip should still name the shortcut. */
  g_object_set_data (G_OBJECT (self->transfer_button), "pl-accel-action",
                     (gpointer) "win.show-transfer");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Current call"), -1);
  update_identity (self);
  update_state (self);
}

GtkWidget *
pl_call_pane_new (void)
{
  return g_object_new (PL_TYPE_CALL_PANE, NULL);
}

/* Returns: (transfer none) (nullable) */
PlCall *
pl_call_pane_get_call (PlCallPane *self)
{
  g_return_val_if_fail (PL_IS_CALL_PANE (self), NULL);
  return self->call;
}

void
pl_call_pane_set_call (PlCallPane *self, PlCall *call)
{
  g_return_if_fail (PL_IS_CALL_PANE (self));
  g_return_if_fail (call == NULL || PL_IS_CALL (call));

  if (self->call == call)
    return;
  if (self->call)
    g_signal_handlers_disconnect_by_func (self->call, call_notify_cb, self);
  g_set_object (&self->call, call);
  if (call)
    g_signal_connect_object (call, "notify", G_CALLBACK (call_notify_cb), self, G_CONNECT_SWAPPED);
  if (self->transfer_popover)
    close_transfer_popover (self);
  update_identity (self);
  update_state (self);
  update_note (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALL]);
}

gboolean
pl_call_pane_show_transfer (PlCallPane *self)
{
  g_return_val_if_fail (PL_IS_CALL_PANE (self), FALSE);

  if (!gtk_widget_get_sensitive (self->transfer_button)
      || !gtk_widget_is_drawable (self->transfer_button))
    return FALSE;
  gtk_menu_button_popup (GTK_MENU_BUTTON (self->transfer_button));
  return TRUE;
}

void
pl_call_pane_set_park_blocker (PlCallPane *self, const char *blocker)
{
  const char *text = blocker ? blocker : _ ("Park");

  g_return_if_fail (PL_IS_CALL_PANE (self));

  /* the window's tooltip refresh adds the shortcut to this base text */
  g_object_set_data_full (G_OBJECT (self->park_button), "pl-base-tooltip", g_strdup (text), g_free);
  gtk_widget_set_tooltip_text (self->park_button, text);
}

void
pl_call_pane_set_compact (PlCallPane *self, gboolean compact)
{
  g_return_if_fail (PL_IS_CALL_PANE (self));
  gtk_widget_set_visible (GTK_WIDGET (self->avatar), !compact);
}
