#!/bin/sh
# .ci/run must call the README's second command (the test command) verbatim.
set -eu
ROOT=$1
cmd=$(awk '/^```sh$/{f=1;next} /^```$/{if(f)exit} f' "$ROOT/README.md" | sed -n 2p)
[ -n "$cmd" ] || { echo "README.md: no test command found in the first sh block"; exit 1; }
if ! grep -qxF "$cmd" "$ROOT/.ci/run"; then
  echo "README test command not found verbatim in .ci/run:"; echo "  $cmd"; exit 1
fi
demo=$(awk '/^```sh$/{f=1;next} /^```$/{if(f)exit} f' "$ROOT/README.md" | sed -n 1p)
case "$demo" in *"samples/demo/run.sh"*) ;; *) echo "README first command does not run the demo"; exit 1 ;; esac
echo "README commands and .ci/run agree"
