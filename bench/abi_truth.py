#!/usr/bin/env python3
"""Ground truth for one Debian kernel build, recomputed with standard tools,
against the ABI data kdocgen's scanner wrote.

For the build named on the command line it takes the image, ``-dbg`` and
``linux-headers`` packages (downloaded with ``apt-get download`` through
kdocgen's private apt configuration, kept in the kdocgen cache) and, without
any of the scanner's code:

* lists every function symbol of every module with ``nm`` and of vmlinux
  with ``nm`` on the ``-dbg`` package's unstripped vmlinux;
* finds each symbol's defining file with ``addr2line -f -i`` on the debug
  vmlinux and debug modules (the outermost frame at the symbol's address;
  ``-j SECTION`` for the relocatable modules);
* reads exports, namespaces and CRCs from ``Module.symvers``.

Then, for every function entry (name, defining file) of the data, it compares
presence (a symbol of that name or a compiler clone of it, defined in that
file), the binary (vmlinux or module), the export kind and the namespace, and
prints the agreement per field and every difference.

Prerequisites: binutils (``nm``, ``readelf``, ``addr2line``), ``dpkg-deb``,
``tar``, ``xz``, apt (``apt-get install binutils xz-utils``); about 1.3 GB of
downloads per generic amd64 build, 2-4 minutes.

Usage::

    bench/abi_truth.py linux-image-6.1.0-56-amd64 [--data data/abi/hyperv-debian.json.gz]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CLONE = re.compile(r"^(.+?)((?:\.(?:isra|constprop|part|cold|localalias|lto_priv|llvm|clone)(?:\.\d+)?)+)$")
FIELDS = ("presence", "module", "export", "namespace", "crc")


def run(cmd: list[str], stdin: str | None = None, cwd: Path | None = None) -> str:
    """stdout of ``cmd`` (exits with its stderr on failure)."""
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=cwd, check=False)
    if proc.returncode != 0:
        sys.exit(f"error: {' '.join(cmd[:3])}...: {proc.stderr.strip()[-400:]}")
    return proc.stdout


def fetch(build: str, work: Path) -> tuple[str, list[Path]]:
    """The version and the image, -dbg and headers packages of ``build``."""
    from kdocgen.debian import Apt
    from kdocgen.sources import cache_dir

    apt = Apt(cache_dir() / "abi" / "apt")
    apt.update()
    found = apt.candidates(build)
    if not found:
        sys.exit(f"error: apt knows no {build}")
    version, arch = found[0].version, found[0].arch
    release = build.split("-", 2)[2]
    names = [build, f"linux-image-{release}-dbg", f"linux-headers-{release}"]
    return version, [apt.download(n, version, arch, cache_dir() / "abi" / "debs") for n in names]


def unpack(deb: Path, dest: Path, *patterns: str) -> None:
    """Members of ``deb`` matching ``patterns`` (tar wildcards) under ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "--wildcards", "-C", str(dest), *patterns], stdin=tar.stdout,
                   check=False, capture_output=True)
    tar.wait()


def module_name(path: Path) -> str:
    return path.name.split(".ko")[0].replace("-", "_")


def function_symbols(paths: list[Path], names: set[str]) -> dict[Path, list[tuple[str, int]]]:
    """``file -> [(symbol, value)]`` of defined function symbols whose base name is in ``names``
    (``nm`` type letters t/T/w/W; ``__pfx_`` padding left out)."""
    out: dict[Path, list[tuple[str, int]]] = defaultdict(list)
    for start in range(0, len(paths), 200):
        chunk = paths[start:start + 200]
        text = run(["nm", "-A", "--defined-only", *map(str, chunk)])
        for line in text.splitlines():
            where, _, rest = line.rpartition(":")
            parts = rest.split()
            if len(parts) != 3 or parts[1] not in "tTwW":
                continue
            base = CLONE.match(parts[2])
            if (base.group(1) if base else parts[2]) in names:
                out[Path(where)].append((parts[2], int(parts[0], 16)))
    return out


def defining_files(binary: Path, symbols: list[tuple[str, int]], relocatable: bool) -> list[tuple[str, str]]:
    """``(symbol, defining file)`` by ``addr2line``: the outermost frame at its address
    (same-named symbols of several files each keep their own)."""
    if not symbols:
        return []
    by_section: dict[str, list[tuple[str, int]]] = defaultdict(list)
    if relocatable:
        sections = section_of(binary)
        for name, value in symbols:
            by_section[sections.get(name, ".text")].append((name, value))
    else:
        by_section[""] = symbols
    out = []
    for section, items in by_section.items():
        cmd = ["addr2line", "-a", "-f", "-i", "-e", str(binary)] + (["-j", section] if section else [])
        text = run(cmd, stdin="".join(f"{v:#x}\n" for _n, v in items))
        records = re.split(r"^0x[0-9a-f]+\n", text, flags=re.M)[1:]     # -a: each query starts with its address
        for (name, _value), record in zip(items, records):
            files = [ln.rsplit(":", 1)[0] for ln in record.splitlines()[1::2]]
            out.append((name, files[-1] if files else "??"))
    return out


def section_of(binary: Path) -> dict[str, str]:
    """``symbol -> section name`` of a relocatable object (``readelf -sW``)."""
    names = {}
    for line in run(["readelf", "-SW", str(binary)]).splitlines():
        match = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)", line)
        if match:
            names[match.group(1)] = match.group(2)
    out = {}
    for line in run(["readelf", "-sW", str(binary)]).splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[3] == "FUNC" and parts[6] in names:
            out[parts[7]] = names[parts[6]]
    return out


def symvers(path: Path) -> dict[str, tuple[str, str, str, str]]:
    """``name -> (kind, module, namespace, crc)`` of ``Module.symvers``."""
    out = {}
    for line in path.read_text().splitlines():
        parts = line.split("\t")
        if len(parts) >= 4:
            crc, name, module, kind = parts[:4]
            owner = "vmlinux" if module in ("vmlinux", "") else module.rsplit("/", 1)[-1].replace("-", "_")
            out[name] = (kind, owner, parts[4] if len(parts) > 4 else "", crc.lower())
    return out


def same_file(found: str, wanted: str) -> bool:
    """``found`` (an addr2line path, absolute or relative) names kernel file ``wanted``."""
    found = re.sub(r"^(\./|.*?/(?=(?:arch|drivers|include|kernel|net|mm|lib|fs|virt|security)/))", "", found)
    return found == wanted or found.endswith("/" + wanted)


def truth(work: Path, release: str, names: set[str], dbg: Path) -> tuple[dict, dict]:
    """``name -> [(binary, symbol, file)]`` of the build and its Module.symvers."""
    vmlinux = next(work.glob("usr/lib/debug/boot/vmlinux-*"))
    root = next(p for p in (work / "image/lib/modules" / release, work / "image/usr/lib/modules" / release)
                if p.is_dir())
    modules = sorted(p for p in root.glob("**/*.ko*") if p.suffix in (".ko", ".xz"))
    for packed in [p for p in modules if p.suffix == ".xz"]:
        run(["xz", "-dkf", str(packed)])
    plain = sorted({p.with_suffix("") if p.suffix == ".xz" else p for p in modules})
    found = function_symbols([vmlinux], names)
    table: dict[str, list] = defaultdict(list)
    for symbol, file in defining_files(vmlinux, found.get(vmlinux, []), False):
        table[CLONE.match(symbol).group(1) if CLONE.match(symbol) else symbol].append(("vmlinux", symbol, file))
    holders = function_symbols(plain, names)
    unpack(dbg, work, *[f"*/debug/*lib/modules/{release}/{p.relative_to(root).as_posix()}*" for p in holders])
    for module, symbols in holders.items():
        rel = module.relative_to(root).as_posix()
        debug = next(iter(work.glob(f"usr/lib/debug/*lib/modules/{release}/{rel}")), None) or \
            next(iter(work.glob(f"usr/lib/debug/*/lib/modules/{release}/{rel}")), module)
        files = defining_files(debug, symbols, True)
        for symbol, file in files:
            base = CLONE.match(symbol).group(1) if CLONE.match(symbol) else symbol
            table[base].append((module_name(module), symbol, file))
    return table, symvers(next(work.glob("usr/src/*/Module.symvers")))


def compare(data: dict, build_id: str, table: dict, exports: dict) -> tuple[dict, list[str]]:
    """Agreement per field over the data's function entries of the build, and the differences."""
    agree = {f: [0, 0] for f in FIELDS}
    diffs = []
    for sym in data["symbols"]:
        status = sym["status"].get(build_id)
        if sym["kind"] != "function" or status is None or not sym.get("file"):
            continue
        mine = [t for t in table.get(sym["name"], []) if same_file(t[2], sym["file"])]
        has = bool(mine)
        said = status["present"] and "Full Inline" not in status.get("issues", [])
        where = sorted({t[0] for t in mine})
        label = f"{sym['name']} ({sym['file']})"

        def check(field: str, truth_value, data_value) -> None:
            agree[field][1] += 1
            if truth_value == data_value:
                agree[field][0] += 1
            else:
                others = sorted({f"{t[1]}@{t[0]}:{t[2]}" for t in table.get(sym["name"], []) if t not in mine})
                diffs.append(f"{field:9} {label}: truth {truth_value!r}, data {data_value!r}"
                             + (f" [data reason: {status.get('reason')}; {status.get('note', '')[:120]}]"
                                if not said else "")
                             + (f" [other symbols: {', '.join(others)}]" if others else ""))

        check("presence", has, said)
        if not (has and said):
            continue
        check("module", where, sorted(status.get("binaries", [])))
        export = exports.get(sym["name"])
        exported = export[0] if export and export[1] in where else ""
        if exported and export[2]:          # Module.symvers: EXPORT_SYMBOL[_GPL] and a namespace column
            exported = exported.replace("EXPORT_SYMBOL", "EXPORT_SYMBOL_NS", 1)
        check("export", exported, status.get("exported") or "")
        check("namespace", export[2] if exported else "", status.get("namespace", ""))
        if exported and status.get("crc"):
            check("crc", export[3].replace("0x", "").lstrip("0"), status["crc"].replace("0x", "").lstrip("0"))
    return agree, diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", help="image package, e.g. linux-image-6.1.0-56-amd64")
    parser.add_argument("--data", default=str(REPO / "data/abi/hyperv-debian.json.gz"), help="kdocgen ABI data")
    parser.add_argument("--work", help="unpack folder (default: the kdocgen cache)")
    args = parser.parse_args(argv)
    for tool in ("nm", "readelf", "addr2line", "dpkg-deb", "tar", "xz"):
        if not shutil.which(tool):
            sys.exit(f"error: {tool} is missing (apt-get install binutils xz-utils dpkg)")
    data = json.loads(gzip.decompress(Path(args.data).read_bytes()))
    release = args.build.split("-", 2)[2]
    build_id = f"scan:{release}"
    if not any(b["id"] == build_id for b in data["builds"]):
        sys.exit(f"error: {args.data} has no build {build_id}")
    from kdocgen.sources import cache_dir
    work = Path(args.work) if args.work else cache_dir() / "abi" / "truth" / release
    version, debs = fetch(args.build, work)
    if not (work / "done").is_file():
        shutil.rmtree(work, ignore_errors=True)
        unpack(debs[0], work / "image", "./boot/config-*", "*.ko*")
        unpack(debs[2], work, "*/Module.symvers")
        unpack(debs[1], work, "./usr/lib/debug/boot/vmlinux-*")
        (work / "done").write_text(version)
    names = {s["name"] for s in data["symbols"] if s["kind"] == "function"}
    table, exports = truth(work, release, names, debs[1])
    agree, diffs = compare(data, build_id, table, exports)
    print(f"{args.build} {version}: ground truth from nm, addr2line (-dbg) and Module.symvers")
    for field, (same, total) in agree.items():
        share = 100.0 * same / total if total else 100.0
        print(f"  {field:9} {same:5}/{total:<5} {share:6.2f}%")
    print(f"{len(diffs)} difference(s)")
    for line in sorted(diffs):
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
