#!/bin/sh
# The one code style (CONTRIBUTING.md): clang-format with the tree's config.
set -eu
cd "$1"
files=$(git ls-files -- 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'bench/*.c' 'bench/*.h' 2>/dev/null \
        || find src tests bench -name '*.[ch]')
[ -n "$files" ] || { echo "no sources found"; exit 1; }
clang-format --dry-run --Werror $files
echo "style ok: $(echo "$files" | wc -l) files"
