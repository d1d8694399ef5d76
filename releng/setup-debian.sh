#!/usr/bin/env bash
# Installs the Debian packages a fresh machine lacks for building, running and testing Nodulab
# (as root, or through sudo), and checks the JDK. Does nothing when everything is there.
set -euo pipefail

# xvfb xauth libgtk-3-0 fontconfig fonts-dejavu-core: the workbench and the UI tests without a screen
# libwebkit2gtk-4.1-0: SWT's browser, for a run's report inside the workbench (the Report view)
# libpixelmed-java libpixelmed-imageio-java: PixelMed (DICOM), embedded in the DICOM reader bundle at build time
# python3-vtk9 python3-numpy: ITK's MetaIO (vtkMetaImageReader) cross-checks nodulab volume convert in the smoke test
# slurm-wlm munge: the Slurm campaign executor's tests start a one-node cluster (releng/slurm/cluster.sh)
# python3-onnx: onnx.checker on every exported architecture (OnnxExportTest)
# libjemalloc2: NODULAB_MALLOC=jemalloc (libtorch trains ~1.2x faster than on the launchers' glibc settings, 4x plain glibc; docs/performance.md)
packages=(xvfb xauth libgtk-3-0 libwebkit2gtk-4.1-0 fontconfig fonts-dejavu-core libpixelmed-java libpixelmed-imageio-java python3-vtk9 python3-numpy python3-onnx libjemalloc2 slurm-wlm munge)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: run as root or install sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Tycho 5 and the Eclipse platform need Java 21+; Debian's default JDK is 17.
jdk=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [ ! -x "$jdk/bin/java" ]; then
  echo "setup: no JDK at $jdk (a Temurin 25 JDK is expected at /usr/lib/jvm/temurin-25-jdk-amd64; or set JAVA_HOME to a JDK 21+)" >&2
  exit 1
fi
echo "setup: $("$jdk/bin/java" -version 2>&1 | head -n 1) at $jdk"
