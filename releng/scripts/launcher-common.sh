# Shared by ./nodulab and ./nodulab-workbench (sourced, not run).
# Finds Java 21+, builds the product when it is missing, and sets the JVM options every Nodulab JVM
# needs: heap and off-heap caps for ND4J/JavaCPP (off-heap memory is freed only when the JVM
# collects, so without caps a training process grows to 8-9 GB).

NODULAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NODULAB_PRODUCT="${NODULAB_PRODUCT:-$NODULAB_ROOT/releng/org.nodulab.product/target/products/org.nodulab.product/linux/gtk/x86_64/nodulab}"
NODULAB_STATE="${NODULAB_STATE:-$HOME/.nodulab}"

nodulab_java() {
  local candidates=()
  if [ -n "${JAVA_HOME:-}" ]; then candidates+=("$JAVA_HOME/bin/java"); fi
  candidates+=("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
  if command -v java >/dev/null 2>&1; then candidates+=("$(command -v java)"); fi
  local j v release
  for j in "${candidates[@]}"; do
    [ -x "$j" ] || continue
    # the JDK's release file names its version without starting a JVM (0.1 s saved on every command)
    release="$(dirname "$(dirname "$(readlink -f "$j")")")/release"
    v=""
    if [ -r "$release" ]; then
      v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$release" | head -n 1)
    fi
    if [ -z "$v" ]; then
      v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    fi
    if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; then
      echo "$j"
      return 0
    fi
  done
  echo "nodulab: needs Java 21 or newer (set JAVA_HOME; Temurin 25 is expected at /usr/lib/jvm/temurin-25-jdk-amd64)" >&2
  return 1
}

nodulab_ensure_product() {
  if ! ls "$NODULAB_PRODUCT"/plugins/org.eclipse.equinox.launcher_*.jar >/dev/null 2>&1; then
    if [ -n "${NODULAB_PRODUCT_EXPLICIT:-}" ]; then
      echo "nodulab: no product at $NODULAB_PRODUCT" >&2
      return 1
    fi
    echo "nodulab: the product is not built yet; building it (./mvnw -B -DskipTests verify, a few minutes)..." >&2
    (cd "$NODULAB_ROOT" && JAVA_HOME="$(dirname "$(dirname "$JAVA")")" ./mvnw -B -q -DskipTests verify) >&2 || {
      echo "nodulab: the build failed; run ./mvnw -B verify to see why" >&2
      return 1
    }
  fi
  NODULAB_LAUNCHER_JAR=$(ls "$NODULAB_PRODUCT"/plugins/org.eclipse.equinox.launcher_*.jar | head -n 1)
}

# The command line's OSGi configuration: the product's bundles without the workbench's (SWT, JFace, the Eclipse
# UI, e4 and EMF, the charts, org.nodulab.*.ui), so that a command neither resolves nor starts them; about
# 0.25 s of every command's start (docs/performance.md). Written once per product content, beside the product's
# own configuration where that is writable, else in NODULAB_STATE; its name holds a checksum of the product's
# bundle list, so a rebuilt product gets a fresh one and a configuration in use is never rewritten.
# NODULAB_CONFIGURATION=full runs commands in the product's own configuration (every bundle).
NODULAB_HEADLESS_EXCLUDE='^(org\.eclipse\.(swt|jface|ui|e4|emf|help|urischeme|text|core\.databinding|core\.commands|core\.expressions|equinox\.bidi|swtchart)|org\.nodulab\.[a-z0-9.]*ui,|org\.apache\.batik|com\.github\.weisj|wrapped\.xml-apis)'
nodulab_configuration_args() {
  NODULAB_CONFIGURATION_ARGS=()
  if [ "${NODULAB_CONFIGURATION:-headless}" = full ]; then
    return 0
  fi
  if [ "${NODULAB_CONFIGURATION:-headless}" != headless ]; then
    echo "nodulab: NODULAB_CONFIGURATION must be headless (the default) or full, got '${NODULAB_CONFIGURATION}'" >&2
    return 1
  fi
  local source="$NODULAB_PRODUCT/configuration"
  local info="$source/org.eclipse.equinox.simpleconfigurator/bundles.info"
  [ -r "$info" ] && [ -r "$source/config.ini" ] || return 0
  local sum parent dir tmp
  sum=$(cat "$info" "$source/config.ini" | cksum | cut -d' ' -f1)
  if [ -w "$NODULAB_PRODUCT" ]; then parent="$NODULAB_PRODUCT"; else parent="$NODULAB_STATE"; fi
  dir="$parent/configuration-headless-$sum"
  if [ ! -r "$dir/org.eclipse.equinox.simpleconfigurator/bundles.info" ]; then
    mkdir -p "$parent" 2>/dev/null || return 0
    tmp=$(mktemp -d "$parent/.configuration-headless.XXXXXX") || return 0
    mkdir -p "$tmp/org.eclipse.equinox.simpleconfigurator"
    # a relative osgi.framework and bundle paths resolve against the installation, wherever this folder is
    cp "$source/config.ini" "$tmp/config.ini"
    grep -vE "$NODULAB_HEADLESS_EXCLUDE" "$info" > "$tmp/org.eclipse.equinox.simpleconfigurator/bundles.info"
    # another process may have written it meanwhile: then its copy stays and ours goes
    mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
  fi
  NODULAB_CONFIGURATION_ARGS=(-configuration "$dir")
  # the resident process's socket (nodulab daemon start): one per user state folder, product location and build
  NODULAB_DAEMON_SOCKET="$NODULAB_STATE/daemon/d-$sum-$(printf '%s' "$NODULAB_PRODUCT" | cksum | cut -d' ' -f1).sock"
}

# Short commands that run in the resident process while one runs (nodulab daemon start; docs/performance.md):
# they only read files and write results atomically, print, and return, as in a process of their own.
nodulab_served() {
  case "${1-}" in
    ""|--help|-h|--version|-V|help|list|validate|info|eval|runs|predict) return 0 ;;
    dataset|volume) [ "${2-}" = info ] ;;
    *) return 1 ;;
  esac
}

# Runs the command line in the resident process when one answers on NODULAB_DAEMON_SOCKET, and exits with its
# exit code; returns when there is none (the caller then starts the command's own JVM). NODULAB_DAEMON=off never
# uses it. The client is one class of the command-line bundle in a small plain JVM (no OSGi), with a class-data
# archive of its own written on its first run.
# NODULAB_DAEMON=auto also starts one, in the background, when a short command finds none (the command itself then
# runs in a process of its own, as without a daemon): the next short commands answer through it.
nodulab_try_daemon() {
  case "${NODULAB_DAEMON:-use}" in
    use|auto) ;;
    off) return 0 ;;
    *) echo "nodulab: NODULAB_DAEMON must be use, auto or off, got '${NODULAB_DAEMON}'" >&2; exit 2 ;;
  esac
  [ -n "${NODULAB_DAEMON_SOCKET:-}" ] || return 0
  nodulab_served "$@" || return 0
  local jars=("$NODULAB_PRODUCT"/plugins/org.nodulab.cli_*.jar)
  [ -r "${jars[0]}" ] || return 0
  local rc=222
  if [ -S "$NODULAB_DAEMON_SOCKET" ]; then
    rc=0
    "$JAVA" -Xlog:disable -Xlog:all=error:stderr -Xshare:auto -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="${NODULAB_DAEMON_SOCKET%.sock}-client.jsa" \
      -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m -XX:-UsePerfData \
      -cp "${jars[0]}" org.nodulab.cli.resident.Client "$NODULAB_DAEMON_SOCKET" "$@" || rc=$?
  fi
  [ "$rc" -eq 222 ] || exit "$rc"
  if [ "${NODULAB_DAEMON:-use}" = auto ]; then
    # detached, its output in the daemon's log; a second one started meanwhile finds the first and ends
    (NODULAB_DAEMON=off setsid "$(readlink -f "$0")" daemon start </dev/null >/dev/null 2>&1 &)
  fi
}

JAVA="$(nodulab_java)" || exit 1

# A JVM that dies in native code writes its crash report (hs_err_pid<N>.log) into the log folder, never into
# the user's current folder.
NODULAB_LOGS="${NODULAB_LOGS:-$NODULAB_STATE/logs}"
mkdir -p "$NODULAB_LOGS" 2>/dev/null || NODULAB_LOGS="${TMPDIR:-/tmp}"

# The job queue (jobs, campaigns' local runs, the workbench's Jobs view) lives in the state folder too, so that a
# workbench or command started with another NODULAB_STATE neither lists nor runs this one's jobs.
NODULAB_JOBS="${NODULAB_JOBS:-$NODULAB_STATE/jobs}"

# Native libraries: both backends load their own libtorch, libc10, libgomp, OpenBLAS and ND4J from the JavaCPP
# cache, each JavaCPP version in a folder of its own (org.nodulab.nn.NativeLibraries). The dynamic linker
# searches LD_LIBRARY_PATH before a library's own folder, so a folder there that holds another version of one of
# them (a conda environment, Debian's /usr/lib/x86_64-linux-gnu with python3-torch and libtorch-dev) would be
# taken in its place and the process would crash in libtorch's first use. Such folders are left out of the
# JVM's LD_LIBRARY_PATH (others, such as CUDA's, stay); NODULAB_KEEP_LD_LIBRARY_PATH=1 keeps it as it is.
nodulab_clean_library_path() {
  local kept=() dropped=() dir lib hit
  local IFS=:
  for dir in ${LD_LIBRARY_PATH:-}; do
    hit=""
    if [ -n "$dir" ]; then
      for lib in libtorch.so libtorch_cpu.so libc10.so libgomp.so.1 libopenblas.so.0 libopenblas_nolapack.so.0 \
          libgfortran.so.5 libquadmath.so.0 libnd4jcpu.so libjnijavacpp.so; do
        if [ -e "$dir/$lib" ]; then hit="$lib"; break; fi
      done
    fi
    if [ -n "$hit" ]; then dropped+=("$dir ($hit)"); elif [ -n "$dir" ]; then kept+=("$dir"); fi
  done
  if [ ${#dropped[@]} -gt 0 ]; then
    echo "nodulab: left out of LD_LIBRARY_PATH (it holds another build of a library Nodulab ships): ${dropped[*]}; NODULAB_KEEP_LD_LIBRARY_PATH=1 keeps it" >&2
    if [ ${#kept[@]} -gt 0 ]; then export LD_LIBRARY_PATH="${kept[*]}"; else unset LD_LIBRARY_PATH; fi
  fi
}
if [ -n "${LD_LIBRARY_PATH:-}" ] && [ "${NODULAB_KEEP_LD_LIBRARY_PATH:-}" != 1 ]; then
  nodulab_clean_library_path
fi

NODULAB_JVM_OPTS=(
  -Xmx${NODULAB_HEAP:-2g}
  -Dorg.bytedeco.javacpp.maxbytes=${NODULAB_OFFHEAP:-3g}
  -Dorg.bytedeco.javacpp.maxphysicalbytes=${NODULAB_MAXRSS:-6g}
  -Dorg.bytedeco.javacpp.cachedir="${NODULAB_JAVACPP_CACHE:-$HOME/.javacpp/cache}"
  --enable-native-access=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow
  -Dnodulab.logs="$NODULAB_LOGS"
  -Dnodulab.jobs="$NODULAB_JOBS"
  -XX:ErrorFile="$NODULAB_LOGS/hs_err_pid%p.log"
  -XX:ReplayDataFile="$NODULAB_LOGS/replay_pid%p.log"
)
if [ -n "${NODULAB_JAVA_OPTS:-}" ]; then
  # shellcheck disable=SC2206
  NODULAB_JVM_OPTS+=(${NODULAB_JAVA_OPTS})
fi

# Native memory: libtorch and DL4J allocate and free activation-sized buffers at every step; glibc
# malloc serves blocks that large with mmap (or from a thread's own arena, trimmed eagerly) and hands
# them back to the kernel on free, so every step page-faults them in again, 4 KiB at a time. By
# default glibc is asked for transparent huge pages on its blocks and for one arena for all threads
# (GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1; glibc >= 2.35, THP "madvise" or
# "always"): far fewer faults, memory still returned on free. The reference DenseNet then trains
# 3.5x faster on libtorch and 1.5x on DL4J here (docs/performance.md); huge pages alone gave 2x on
# libtorch in the JVM (its computing thread is not the main one, so it had an arena of its own).
# Either key already set in GLIBC_TUNABLES is left as it is (glibc.malloc.hugetlb=0 turns huge pages off).
# jemalloc keeping freed pages (decay off) is faster still for libtorch, but the
# process then keeps its peak memory, and DL4J's physical-memory cap (NODULAB_MAXRSS) stops a DL4J
# training ("Error during neural network forward pass" at 5.5 GB); with any decay jemalloc is as slow
# as plain glibc. So it is opt-in: NODULAB_MALLOC=jemalloc (libjemalloc2) for libtorch work.
# Child processes (the PyTorch twin of bench train) inherit either.
if [ "${NODULAB_MALLOC:-glibc}" = jemalloc ]; then
  found=""
  for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2; do
    if [ -r "$lib" ]; then
      case ":${LD_PRELOAD:-}:" in
        *":$lib:"*) ;;
        *) export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}" ;;
      esac
      export MALLOC_CONF="${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}"
      found=1
      break
    fi
  done
  if [ -z "$found" ]; then
    echo "nodulab: NODULAB_MALLOC=jemalloc but libjemalloc.so.2 is not installed (apt-get install libjemalloc2)" >&2
    exit 1
  fi
elif [ "${NODULAB_MALLOC:-glibc}" = glibc ]; then
  for tunable in glibc.malloc.hugetlb=1 glibc.malloc.arena_max=1; do
    case ":${GLIBC_TUNABLES:-}" in
      *":${tunable%=*}="*) ;;
      ":") GLIBC_TUNABLES="$tunable" ;;
      *) GLIBC_TUNABLES="${GLIBC_TUNABLES}:$tunable" ;;
    esac
  done
  export GLIBC_TUNABLES
else
  echo "nodulab: NODULAB_MALLOC must be glibc or jemalloc, got '${NODULAB_MALLOC}'" >&2
  exit 1
fi
