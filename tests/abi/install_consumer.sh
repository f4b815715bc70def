#!/usr/bin/env bash
# Installs the current build tree into a temporary prefix, then builds and runs a consumer of it
# twice: through find_package(Helpline) (CMake package, Helpline::helpline) and through
# pkg-config (helpline.pc). Neither may see the build tree.
#
# usage: install_consumer.sh <build dir> <cmake> <c compiler> <consumer source dir> <version> [extra flags]
#   extra flags: compile+link flags both consumers need (the sanitizer runtime of the build).
set -euo pipefail

build_dir=$1 cmake=$2 cc=$3 consumer_src=$4 version=$5 extra=${6:-}

tmp=$(mktemp -d /tmp/helpline-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

step "cmake --install $build_dir --prefix $prefix"
"$cmake" --install "$build_dir" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "install"; }

# What a host needs is all there.
for f in include/helpline/helpline.h include/helpline/helpline.hpp include/helpline/helpline_version.h \
         include/helpline/helpline_export.h; do
  [[ -f $prefix/$f ]] || fail "missing $f"
done
config=$(find "$prefix" -name HelplineConfig.cmake | head -n1)
[[ -n $config ]] || fail "missing HelplineConfig.cmake"
[[ -f $(dirname "$config")/HelplineConfigVersion.cmake ]] || fail "missing HelplineConfigVersion.cmake"
pc=$(find "$prefix" -name helpline.pc | head -n1)
[[ -n $pc ]] || fail "missing helpline.pc"
so=$(find "$prefix" -name 'libhelpline.so' | head -n1)
[[ -n $so ]] || fail "missing libhelpline.so"
libdir=$(dirname "$so")
[[ -e $libdir/libhelpline.so.${version%%.*} ]] || fail "missing libhelpline.so.${version%%.*} (SONAME link)"
[[ -f $libdir/libhelpline.a ]] || fail "missing libhelpline.a"
if grep -rqs -- "$build_dir" "$(dirname "$config")" "$pc"; then
  fail "installed package files refer to the build tree ($build_dir)"
fi

step "find_package(Helpline) consumer"
"$cmake" -S "$consumer_src" -B "$tmp/cmake-consumer" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" -DHELPLINE_EXPECTED_VERSION="$version" \
  -DCMAKE_C_FLAGS="$extra" -DCMAKE_EXE_LINKER_FLAGS="$extra" >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log"; fail "consumer configure"; }
"$cmake" --build "$tmp/cmake-consumer" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "consumer build"; }
resolved=$(ldd "$tmp/cmake-consumer/consumer" | awk '/libhelpline/ {print $3}')
[[ $resolved == "$prefix"/* ]] || fail "CMake consumer resolves libhelpline to '$resolved', not the install prefix"
"$tmp/cmake-consumer/consumer" "$tmp/data-cmake" || fail "CMake consumer run"

step "pkg-config consumer"
export PKG_CONFIG_PATH=$(dirname "$pc")
[[ $(pkg-config --modversion helpline) == "$version" ]] || fail "pkg-config --modversion is $(pkg-config --modversion helpline)"
flags=$(pkg-config --cflags --libs helpline)
echo "pkg-config --cflags --libs helpline: $flags"
# shellcheck disable=SC2086  # flags are a word list by design
"$cc" -std=c99 -Wall -Wextra -Werror -pedantic $extra "$consumer_src/consumer.c" $flags -o "$tmp/pc-consumer" ||
  fail "pkg-config consumer build"
resolved=$(LD_LIBRARY_PATH=$libdir ldd "$tmp/pc-consumer" | awk '/libhelpline/ {print $3}')
[[ $resolved == "$prefix"/* ]] || fail "pkg-config consumer resolves libhelpline to '$resolved'"
LD_LIBRARY_PATH=$libdir "$tmp/pc-consumer" "$tmp/data-pc" || fail "pkg-config consumer run"

echo "install + consumers: ok"
