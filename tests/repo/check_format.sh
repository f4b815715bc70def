#!/bin/sh
# Every C and C++ file of ours is formatted with the repository's .clang-format, by clang-format 14
# (Debian 12's; another version formats some constructs differently). Fix with:
#   clang-format-14 -i $(git ls-files '*.c' '*.h' '*.cpp' '*.hpp')
set -eu
ROOT=$1
CF=$(command -v clang-format-14 || true)
if [ -z "$CF" ]; then
  echo "clang-format-14 is not installed (cmake/install-deps.sh installs it)" >&2
  exit 1
fi
cd "$ROOT"
files=$(find include sdk platform samples tests -type f \( -name '*.c' -o -name '*.h' -o -name '*.cpp' -o -name '*.hpp' \) \
  -not -path '*/node_modules/*' | sort)
count=$(echo "$files" | wc -l)
# shellcheck disable=SC2086
"$CF" --dry-run --Werror $files
echo "$count files formatted"
