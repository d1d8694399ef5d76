#!/usr/bin/env bash
# Builds classpath-agent.jar (ClassPathAgent) into the folder $1 with the JDK's javac and jar.
set -euo pipefail
out="$1"
here="$(cd "$(dirname "$0")" && pwd)"
jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mkdir -p "$out/agent-classes"
"$jdk/bin/javac" --release 21 -d "$out/agent-classes" "$here/ClassPathAgent.java"
printf 'Premain-Class: ClassPathAgent\n' >"$out/agent.mf"
"$jdk/bin/jar" --create --file "$out/classpath-agent.jar" --manifest "$out/agent.mf" -C "$out/agent-classes" .
