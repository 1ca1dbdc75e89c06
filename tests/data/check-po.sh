#!/bin/sh
# Every catalogue in po/LINGUAS must be valid and cover every message of a
# pot extracted now from po/POTFILES.in, so a new string without a
# translation fails here instead of reaching users in English.
#
# check-po.sh SRCROOT            check each language
# check-po.sh SRCROOT CANARY     self-test: with CANARY (a file holding one
#                                untranslated string) added to the sources,
#                                the check must report exactly that string
set -eu
src=$1
canary=${2:-}
cd "$src"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -vE '^(#|$)' po/POTFILES.in > "$tmp/files"
[ -z "$canary" ] || echo "$canary" >> "$tmp/files"

# The same keywords and flags as meson's 'glib' preset, so this pot matches
# what the parkline-pot target writes.
xgettext --package-name=parkline --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_printerr:1:c-format \
  -f "$tmp/files" -o "$tmp/parkline.pot"
total=$(msgattrib --no-wrap "$tmp/parkline.pot" | grep -c '^msgid ' || true)
[ "$total" -gt 1 ] || { echo "no messages extracted"; exit 1; }

langs=$(grep -vE '^(#|$)' po/LINGUAS || true)
[ -n "$langs" ] || { echo "po/LINGUAS lists no language"; exit 1; }
status=0
for lang in $langs; do
  po=po/$lang.po
  [ -f "$po" ] || { echo "$lang: $po missing"; status=1; continue; }
  msgfmt --check --statistics -o /dev/null "$po"
  msgmerge --quiet --no-fuzzy-matching --no-wrap -o "$tmp/$lang.po" "$po" "$tmp/parkline.pot"
  # msgattrib prints nothing (not even the header) when no message matches.
  msgattrib --untranslated --no-obsolete --no-wrap "$tmp/$lang.po" > "$tmp/$lang.untranslated"
  msgattrib --only-fuzzy --no-obsolete --no-wrap "$tmp/$lang.po" > "$tmp/$lang.fuzzy"
  if [ -n "$canary" ]; then
    # Self-test: the canary's one string, and nothing else, is missing.
    found=$(grep -c '^msgid "..*"' "$tmp/$lang.untranslated" || true)
    if [ "$found" -ne 1 ] || ! grep -q "^#: $canary" "$tmp/$lang.untranslated"; then
      echo "$lang: the check did not report exactly the canary string:"
      cat "$tmp/$lang.untranslated"
      status=1
    else
      echo "$lang: the untranslated canary string was caught"
    fi
    continue
  fi
  for kind in untranslated fuzzy; do
    if [ -s "$tmp/$lang.$kind" ]; then
      echo "$lang: $kind messages (run ninja parkline-update-po and translate them):"
      cat "$tmp/$lang.$kind"
      status=1
    fi
  done
  [ "$status" -ne 0 ] || echo "$lang: all $((total - 1)) messages translated"
done
exit "$status"
