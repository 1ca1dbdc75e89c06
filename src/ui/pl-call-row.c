/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-call-row"

#include "config.h"

#include <glib/gi18n.h>

#include "pl-call-row.h"

struct _PlCallRow
{
  GtkWidget parent_instance;

  PlCall *call;

  GtkWidget *box;
  AdwAvatar *avatar;
  GtkLabel *title_label;
  GtkLabel *state_label;
  GtkImage *state_icon;
};

G_DEFINE_FINAL_TYPE (PlCallRow, pl_call_row, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_CALL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
state_icon_name (PlCallState state)
{
  switch (state)
    {
      case PL_CALL_STATE_INCOMING:
        return "call-incoming-symbolic";
      case PL_CALL_STATE_DIALING:
      case PL_CALL_STATE_RINGING:
        return "call-outgoing-symbolic";
      case PL_CALL_STATE_HELD:
        return "media-playback-pause-symbolic";
      case PL_CALL_STATE_ACTIVE:
        return "call-start-symbolic";
      case PL_CALL_STATE_ENDED:
      default:
        return NULL;
    }
}

static void
update (PlCallRow *self)
{
  g_autofree char *title = self->call ? pl_call_dup_title (self->call) : NULL;
  g_autofree char *label = NULL;
  PlCallState state = self->call ? pl_call_get_state (self->call) : PL_CALL_STATE_ENDED;
  const char *note = self->call ? pl_call_get_note (self->call) : NULL;
  g_autofree char *state_text = NULL;

  /* The note says more than the state: "Parking…" rather than "Active". */
  if (note && *note)
    state_text = g_strdup (note);
  else
    state_text = g_strdup (self->call ? pl_call_state_to_string (state) : "");

  gtk_label_set_label (self->title_label, title ? title : "");
  gtk_label_set_label (self->state_label, state_text);
  adw_avatar_set_text (self->avatar, title);
  gtk_image_set_from_icon_name (self->state_icon, state_icon_name (state));

  /* Read as one phrase: "Alice, On hold". */
  label = g_strdup_printf ("%s, %s", title ? title : "", state_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

typedef PlCall *(*CallGetter) (gpointer owner);

/* A call can be dropped on a free park slot to park it there: the drag
 * carries the call's handle, read when the drag starts. */
static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source, double x, double y, gpointer owner)
{
  CallGetter get_call = (CallGetter)g_object_get_data (G_OBJECT (source), "pl-call-getter");
  PlCall *call = get_call (owner);
  g_autofree char *handle = NULL;

  if (call == NULL || !pl_call_is_live (call))
    return NULL;
  handle = g_strdup_printf ("%u", pl_call_get_handle (call));
  return gdk_content_provider_new_typed (G_TYPE_STRING, handle);
}

void
pl_call_add_drag_source (GtkWidget *widget, PlCall *(*get_call) (gpointer owner), gpointer owner)
{
  GtkDragSource *drag = gtk_drag_source_new ();

  gtk_drag_source_set_actions (drag, GDK_ACTION_MOVE);
  g_object_set_data (G_OBJECT (drag), "pl-call-getter", get_call);
  g_signal_connect (drag, "prepare", G_CALLBACK (drag_prepare_cb), owner);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));
}

static void
pl_call_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlCallRow *self = PL_CALL_ROW (object);

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
pl_call_row_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
      case PROP_CALL:
        pl_call_row_set_call (PL_CALL_ROW (object), g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_call_row_dispose (GObject *object)
{
  PlCallRow *self = PL_CALL_ROW (object);

  pl_call_row_set_call (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PL_TYPE_CALL_ROW);
  G_OBJECT_CLASS (pl_call_row_parent_class)->dispose (object);
}

static void
pl_call_row_class_init (PlCallRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pl_call_row_dispose;
  object_class->get_property = pl_call_row_get_property;
  object_class->set_property = pl_call_row_set_property;

  properties[PROP_CALL]
      = g_param_spec_object ("call", NULL, NULL, PL_TYPE_CALL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parkline/Parkline/pl-call-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PlCallRow, box);
  gtk_widget_class_bind_template_child (widget_class, PlCallRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, PlCallRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, PlCallRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, PlCallRow, state_icon);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "callrow");
}

static void
pl_call_row_init (PlCallRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  pl_call_add_drag_source (GTK_WIDGET (self), (CallGetter)pl_call_row_get_call, self);
}

GtkWidget *
pl_call_row_new (void)
{
  return g_object_new (PL_TYPE_CALL_ROW, NULL);
}

/* Returns: (transfer none) (nullable) */
PlCall *
pl_call_row_get_call (PlCallRow *self)
{
  g_return_val_if_fail (PL_IS_CALL_ROW (self), NULL);
  return self->call;
}

void
pl_call_row_set_call (PlCallRow *self, PlCall *call)
{
  g_return_if_fail (PL_IS_CALL_ROW (self));
  g_return_if_fail (call == NULL || PL_IS_CALL (call));

  if (self->call == call)
    return;
  if (self->call)
    g_signal_handlers_disconnect_by_func (self->call, update, self);
  g_set_object (&self->call, call);
  if (call)
    {
      g_signal_connect_object (call, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (call, "notify::title", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (call, "notify::note", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
    }
  if (self->box)
    update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALL]);
}
