#!/bin/sh
# Budget: the stripped shared library stays within 400 KB.
set -eu
LIB=$1
LIMIT=409600
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
strip -o "$tmp" "$LIB"
size=$(wc -c < "$tmp")
echo "stripped $(basename "$LIB"): $size bytes (limit $LIMIT)"
[ "$size" -le "$LIMIT" ]
