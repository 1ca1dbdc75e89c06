#!/bin/sh
# The German catalogue as built is what the app loads: plural forms pick
# the right sentence, and the desktop file and metainfo carry German text.
#
# check-l10n-de.sh MO DESKTOP METAINFO
set -eu
mo=$1
desktop=$2
metainfo=$3
# MO is <localedir>/de/LC_MESSAGES/parkline.mo
localedir=$(dirname "$(dirname "$(dirname "$mo")")")
status=0

expect () {
  if [ "$2" = "$3" ]; then
    echo "ok: $1 → $3"
  else
    echo "FAIL: $1 → “$3”, expected “$2”"
    status=1
  fi
}

# LANGUAGE is ignored in the C locale; C.UTF-8 always exists and honours it.
tr_n () {
  LC_ALL=C.UTF-8 LANGUAGE=de TEXTDOMAINDIR=$localedir ngettext -d parkline "$1" "$2" "$3"
}
tr_1 () {
  LC_ALL=C.UTF-8 LANGUAGE=de TEXTDOMAINDIR=$localedir gettext -d parkline "$1"
}

expect "plural n=1" "%d Anruf exportiert" "$(tr_n 'Exported %d call' 'Exported %d calls' 1)"
expect "plural n=0" "%d Anrufe exportiert" "$(tr_n 'Exported %d call' 'Exported %d calls' 0)"
expect "plural n=2" "%d Anrufe exportiert" "$(tr_n 'Exported %d call' 'Exported %d calls' 2)"
expect "plain message" "Geparkte Anrufe" "$(tr_1 'Parked Calls')"

for key in 'Name\[de\]=' 'Comment\[de\]=' 'GenericName\[de\]=' 'Keywords\[de\]='; do
  if grep -q "^$key" "$desktop"; then echo "ok: desktop file has $key"
  else echo "FAIL: $desktop lacks $key"; status=1; fi
done
if grep -q '^Comment\[de\]=Anrufe im Team parken' "$desktop"; then echo "ok: German comment"
else echo "FAIL: desktop Comment[de] is not the German text"; status=1; fi
if grep -q 'xml:lang="de"' "$metainfo"; then echo "ok: metainfo has German text"
else echo "FAIL: $metainfo has no xml:lang=\"de\""; status=1; fi
# The store shows screenshot captions and searches keywords per language.
for tag in caption keyword; do
  if grep -q "<$tag xml:lang=\"de\">" "$metainfo"; then echo "ok: metainfo has a German $tag"
  else echo "FAIL: $metainfo has no German <$tag>"; status=1; fi
done
exit "$status"
