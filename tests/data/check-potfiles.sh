#!/bin/sh
# Every file with translatable strings must be listed in po/POTFILES.in, or
# its strings silently never reach translators.
set -eu
cd "$1"
missing=0
candidates=$( (grep -rlE '(^|[^A-Za-z0-9_])(_|N_|C_|ngettext)[[:space:]]*\(' src --include='*.c' || true;
               grep -rl 'translatable="yes"' ui data || true;
               grep -rl '<summary>' data --include='*.gschema.xml' || true) | sort -u)
for file in $candidates; do
  if ! grep -qxF "$file" po/POTFILES.in; then
    echo "not in po/POTFILES.in: $file"
    missing=1
  fi
done
grep -vE '^(#|$)' po/POTFILES.in | while read -r listed; do
  [ -e "$listed" ] || { echo "listed but missing: $listed"; exit 1; }
done
[ "$missing" -eq 0 ] && echo "POTFILES complete: $(echo "$candidates" | wc -w) files"
exit "$missing"
