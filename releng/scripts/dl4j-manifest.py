#!/usr/bin/env python3
"""Writes META-INF/MANIFEST.MF of a library bundle (or fragment) that embeds jars from lib/.

Run after a DL4J/ND4J/JavaCPP version change, once the build has copied the jars into lib/:

    python3 releng/scripts/dl4j-manifest.py bundles/org.nodulab.dl4j.libs
    python3 releng/scripts/dl4j-manifest.py bundles/org.nodulab.dl4j.natives.cpu

The header lines that are not generated (name, host, filters) are kept from the existing manifest;
Bundle-ClassPath and Export-Package are regenerated from the jars: every package under the exported
prefixes is exported, so the bundle that compiles against DL4J sees the API and nothing else.
"""
import sys
import zipfile
from pathlib import Path

EXPORTED_PREFIXES = ("org/nd4j/", "org/deeplearning4j/", "org/bytedeco/")
GENERATED = ("Bundle-ClassPath", "Export-Package")


def read_headers(manifest: Path):
    headers, key = [], None
    for line in manifest.read_text().splitlines():
        if line.startswith(" ") and key:
            headers[-1] = (key, headers[-1][1] + line[1:])
        elif ":" in line:
            key, value = line.split(":", 1)
            headers.append((key, value.strip()))
    return headers


def packages(jar: Path):
    found = set()
    with zipfile.ZipFile(jar) as z:
        for name in z.namelist():
            if name.endswith(".class") and name.startswith(EXPORTED_PREFIXES) and "/" in name:
                found.add(name.rsplit("/", 1)[0].replace("/", "."))
    return found


def fold(key, items):
    if not items:
        return []
    lines = [f"{key}: {items[0]}" + ("," if len(items) > 1 else "")]
    for i, item in enumerate(items[1:], 1):
        lines.append(" " + item + ("," if i < len(items) - 1 else ""))
    return lines


def main(bundle_dir: str):
    bundle = Path(bundle_dir)
    manifest = bundle / "META-INF" / "MANIFEST.MF"
    jars = sorted((bundle / "lib").glob("*.jar"))
    if not jars:
        sys.exit(f"{bundle}/lib has no jars: build once (./mvnw -B verify) so they are copied")
    headers = [(k, v) for k, v in read_headers(manifest) if k not in GENERATED]
    is_fragment = any(k == "Fragment-Host" for k, _ in headers)
    classpath = ([] if is_fragment else ["."]) + [f"lib/{j.name}" for j in jars]
    exported = sorted(set().union(*(packages(j) for j in jars)))
    out = [f"{k}: {v}" for k, v in headers]
    out += fold("Bundle-ClassPath", classpath)
    out += fold("Export-Package", exported)
    manifest.write_text("\n".join(out) + "\n")
    print(f"{manifest}: {len(jars)} jars, {len(exported)} exported packages")


if __name__ == "__main__":
    main(sys.argv[1])
