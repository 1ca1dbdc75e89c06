#!/bin/sh
# The store screenshots: every <image> of the metainfo names a PNG in
# data/screenshots/ (by the path of its raw.githubusercontent.com URL on
# main) of a sane size, matching its width/height attributes, and every PNG
# there is named by the metainfo, so none is shipped for nothing.
#
# check-screenshots.sh SRCROOT             check the metainfo
# check-screenshots.sh SRCROOT --self-test the check must catch a missing
#                                          file, an orphan and a wrong size
set -eu
src=$1
mode=${2:-}
metainfo=${METAINFO:-$src/data/io.github.parkline.Parkline.metainfo.xml.in}
shots=$src/data/screenshots
prefix=https://raw.githubusercontent.com/parkline/parkline/main/

if [ "$mode" = --self-test ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  status=0
  # expect NAME PATTERN SED: the check fails on a metainfo changed by SED
  # and says PATTERN.
  expect () {
    sed "$3" "$metainfo" > "$tmp/$1.xml"
    if METAINFO="$tmp/$1.xml" "$0" "$src" > "$tmp/$1.out" 2>&1; then
      echo "FAIL: $1 was not caught"
      status=1
    elif grep -q "$2" "$tmp/$1.out"; then
      echo "ok: $1 caught: $(grep "$2" "$tmp/$1.out" | head -n1)"
    else
      echo "FAIL: $1 failed without saying \"$2\":"
      cat "$tmp/$1.out"
      status=1
    fi
  }
  expect missing 'no such file.*main-windw.png' 's|/main-window\.png<|/main-windw.png<|'
  expect orphan 'preferences.png is not in the metainfo' '/preferences\.png</d'
  expect size 'is 960x640.*says 961x640' 's|width="960"|width="961"|'
  expect elsewhere 'not a screenshot URL' "s|$prefix\\(data/screenshots/notification\\)|${prefix}docs/notification|"
  exit "$status"
fi

status=0
fail () {
  echo "FAIL: $*"
  status=1
}

# One <image …>URL</image> per line in the file, as it is written.
images=$(grep -o '<image[^>]*>[^<]*</image>' "$metainfo" || true)
[ -n "$images" ] || { echo "FAIL: no <image> in $metainfo"; exit 1; }
referenced=""
while IFS= read -r image; do
  url=$(echo "$image" | sed 's|<image[^>]*>\(.*\)</image>|\1|')
  path=${url#"$prefix"}
  case "$path" in
    data/screenshots/*.png) ;;
    *) fail "$url is not a screenshot URL (${prefix}data/screenshots/NAME.png)"; continue ;;
  esac
  referenced="$referenced ${path##*/}"
  file=$src/$path
  [ -f "$file" ] || { fail "$url: no such file $path"; continue; }
  # PNG signature, then the IHDR chunk: width and height, 4 bytes each.
  magic=$(od -An -tx1 -N8 "$file" | tr -d ' \n')
  [ "$magic" = 89504e470d0a1a0a ] || { fail "$path is not a PNG"; continue; }
  set -- $(od -An -tu1 -j16 -N8 "$file")
  width=$(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 ))
  height=$(( ($5 << 24) | ($6 << 16) | ($7 << 8) | $8 ))
  bytes=$(wc -c < "$file")
  if [ "$width" -lt 320 ] || [ "$width" -gt 3840 ] || [ "$height" -lt 200 ] || [ "$height" -gt 2160 ]; then
    fail "$path is ${width}x$height: not a sane screenshot size (320x200 to 3840x2160)"
  fi
  [ "$bytes" -le 1048576 ] || fail "$path is $bytes bytes: more than 1 MiB (run optipng)"
  said_w=$(echo "$image" | sed -n 's/.* width="\([0-9]*\)".*/\1/p')
  said_h=$(echo "$image" | sed -n 's/.* height="\([0-9]*\)".*/\1/p')
  if [ -n "$said_w$said_h" ] && { [ "$said_w" != "$width" ] || [ "$said_h" != "$height" ]; }; then
    fail "$path is ${width}x$height but the metainfo says ${said_w}x$said_h"
  fi
  echo "ok: $path ${width}x$height, $bytes bytes"
done <<EOF
$images
EOF

for file in "$shots"/*.png; do
  [ -e "$file" ] || continue
  case " $referenced " in
    *" ${file##*/} "*) ;;
    *) fail "data/screenshots/${file##*/} is not in the metainfo" ;;
  esac
done
exit "$status"
