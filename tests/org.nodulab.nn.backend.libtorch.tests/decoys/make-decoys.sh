#!/usr/bin/env bash
# Builds decoy libraries (decoy.c) under the names of the libraries the backends load from their JavaCPP cache
# into the folder $1, for the tests' LD_LIBRARY_PATH: the fresh-machine case of a user with another libtorch
# (Debian's python3-torch + libtorch-dev, a conda environment) on the library path. Needs gcc.
set -euo pipefail
out="$1"
src="$(dirname "$0")/decoy.c"
command -v gcc >/dev/null || { echo "make-decoys: gcc is needed to build the decoy libraries (apt-get install gcc)" >&2; exit 1; }
mkdir -p "$out"
# libopenblas_nolapack.so.0 is left out: JavaCPP loads that one under a second name that no loaded library carries
# as its soname, so only the launchers can keep it off the search path (they drop such folders from
# LD_LIBRARY_PATH; the product smoke test checks that with the full set).
for name in libtorch.so libtorch_cpu.so libc10.so libgomp.so.1 libopenblas.so.0 libgfortran.so.5 libquadmath.so.0 libnd4jcpu.so; do
  gcc -shared -fPIC -DDECOY_NAME="\"$name\"" -Wl,-soname,"$name" -o "$out/$name" "$src"
done
