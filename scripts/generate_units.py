"""Generate pcmd/geo/data/{units,successions}.csv and PROVENANCE.json from vietnamadminunits.

Run:  uv run --group datagen python scripts/generate_units.py [--out DIR]

Reads the dataset shipped in the PyPI package `vietnamadminunits` (MIT licence): the
sqlite tables admin_units_legacy (63 provinces, 696 districts, 10,035 communes before
1 July 2025) and admin_units (34 provinces, 3,321 communes from 1 July 2025), and
converter_2025.json (which old units became which new ones). Output is sorted, so the
same inputs always give byte-identical files.

Every row carries a stable key: "<P|D|C>:<official code>@<old|new>", e.g. "P:01@old",
"D:001@old", "C:00001@old", "C:00097@new". The loader (`pcmd load-units`) matches units
in the database by this key.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import sqlite3
import sys
from collections import defaultdict
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

PACKAGE = "vietnamadminunits"
VERSION = "1.0.4"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "pcmd" / "geo" / "data"

OLD_END = "2025-06-30"
NEW_START = "2025-07-01"
EFFECTIVE = NEW_START

UNIT_FIELDS = ["key", "parent_key", "kind", "code", "name", "valid_from", "valid_to"]
SUCCESSION_FIELDS = [
    "predecessor_key",
    "successor_key",
    "kind",
    "effective_date",
    "is_default",
    "note",
]

PROVINCE_KINDS = {"Thành phố": "thanh_pho_tw", "Tỉnh": "tinh"}
DISTRICT_KINDS = {"Quận": "quan", "Huyện": "huyen", "Thị xã": "thi_xa", "Thành phố": "thanh_pho"}
COMMUNE_KINDS = {"Xã": "xa", "Phường": "phuong", "Thị trấn": "thi_tran", "Đặc khu": "dac_khu"}


@dataclass(frozen=True, order=True)
class Unit:
    sort: tuple[str, ...]
    key: str
    parent_key: str
    kind: str
    code: str
    name: str
    valid_from: str
    valid_to: str

    def row(self) -> list[str]:
        return [
            self.key,
            self.parent_key,
            self.kind,
            self.code,
            self.name,
            self.valid_from,
            self.valid_to,
        ]


def province_kind(name: str) -> str:
    for prefix, kind in PROVINCE_KINDS.items():
        if name.startswith(prefix + " "):
            return kind
    raise SystemExit(f"unknown province kind: {name!r}")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args()

    installed = metadata.version(PACKAGE)
    if installed != VERSION:
        raise SystemExit(f"{PACKAGE}=={VERSION} expected, {installed} installed")
    data_dir = Path(str(resources.files(PACKAGE) / "data"))
    db_path, converter_path = data_dir / "dataset.db", data_dir / "converter_2025.json"

    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    legacy = con.execute(
        "SELECT province, provinceCode, provinceKey, district, districtCode, districtKey,"
        " districtType, ward, wardCode, wardKey, wardType FROM admin_units_legacy"
    ).fetchall()
    current = con.execute(
        "SELECT province, provinceCode, provinceKey, ward, wardCode, wardKey, wardType"
        " FROM admin_units"
    ).fetchall()
    con.close()
    converter = json.loads(converter_path.read_text(encoding="utf-8"))

    units: dict[str, Unit] = {}

    def add(unit: Unit) -> None:
        previous = units.get(unit.key)
        if previous is not None and previous != unit:
            raise SystemExit(f"conflicting rows for {unit.key}: {previous} / {unit}")
        units[unit.key] = unit

    # Package keys ("tinhhatinh", "tinhhatinh_huyenkyanh_xakyxuan") -> our keys.
    old_province_by_pkg: dict[str, str] = {}
    old_district_by_pkg: dict[str, str] = {}
    old_commune_by_pkg: dict[str, str] = {}
    new_province_by_pkg: dict[str, str] = {}
    new_commune_by_pkg: dict[tuple[str, str], str] = {}
    island_districts: list[str] = []

    for (
        p_name,
        p_code,
        p_key,
        d_name,
        d_code,
        d_key,
        d_type,
        w_name,
        w_code,
        w_key,
        w_type,
    ) in legacy:
        pk, dk = f"P:{p_code}@old", f"D:{d_code}@old"
        add(Unit((OLD_END, p_code), pk, "", province_kind(p_name), p_code, p_name, "", OLD_END))
        add(
            Unit(
                (OLD_END, p_code, d_code),
                dk,
                pk,
                DISTRICT_KINDS[d_type],
                d_code,
                d_name,
                "",
                OLD_END,
            )
        )
        old_province_by_pkg[p_key] = pk
        old_district_by_pkg[f"{p_key}_{d_key}"] = dk
        if w_code is None:
            # Island districts without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo).
            island_districts.append(dk)
            continue
        ck = f"C:{w_code}@old"
        add(
            Unit(
                (OLD_END, p_code, d_code, w_code),
                ck,
                dk,
                COMMUNE_KINDS[w_type],
                w_code,
                w_name,
                "",
                OLD_END,
            )
        )
        old_commune_by_pkg[f"{p_key}_{d_key}_{w_key}"] = ck

    for p_name, p_code, p_key, w_name, w_code, w_key, w_type in current:
        pk, ck = f"P:{p_code}@new", f"C:{w_code}@new"
        add(Unit((NEW_START, p_code), pk, "", province_kind(p_name), p_code, p_name, NEW_START, ""))
        add(
            Unit(
                (NEW_START, p_code, "", w_code),
                ck,
                pk,
                COMMUNE_KINDS[w_type],
                w_code,
                w_name,
                NEW_START,
                "",
            )
        )
        new_province_by_pkg[p_key] = pk
        new_commune_by_pkg[(p_key, w_key)] = ck

    # (predecessor key, successor key) -> is_default
    links: dict[tuple[str, str], bool] = {}

    def link(pred: str, succ: str, default: bool) -> None:
        if (pred, succ) in links and links[(pred, succ)] != default:
            raise SystemExit(f"conflicting succession {pred} -> {succ}")
        links[(pred, succ)] = default

    for new_p, old_ps in converter["DICT_PROVINCE"].items():
        for old_p in old_ps:
            link(old_province_by_pkg[old_p], new_province_by_pkg[new_p], True)

    island_links: list[tuple[str, str]] = []
    for new_p, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_w, olds in wards.items():
            succ = new_commune_by_pkg[(new_p, new_w)]
            for old in olds:
                if old in old_commune_by_pkg:
                    link(old_commune_by_pkg[old], succ, True)
                    continue
                # "<province>_<district>_" (empty commune): an island district that became
                # a đặc khu; linked only when the names agree.
                district = old_district_by_pkg.get(old.rstrip("_"))
                if not old.endswith("_") or district is None:
                    raise SystemExit(f"unknown old commune key in converter: {old}")
                old_name = units[district].name.split(" ", 1)[1]
                new_name = units[succ].name.removeprefix("Đặc khu ")
                if units[succ].kind != "dac_khu" or old_name != new_name:
                    raise SystemExit(f"island district {district} does not match {succ}")
                link(district, succ, True)
                island_links.append((district, succ))

    divided = 0
    for new_p, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            defaults = [p for p in parts if p["isDefaultNewWard"]]
            if len(defaults) != 1:
                raise SystemExit(f"{old}: {len(defaults)} default successors, expected 1")
            divided += 1
            for part in parts:
                link(
                    old_commune_by_pkg[old],
                    new_commune_by_pkg[(new_p, part["newWardKey"])],
                    bool(part["isDefaultNewWard"]),
                )

    # Checks: every old commune reaches at least one new commune, exactly one by default.
    successors: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for (pred, succ), default in links.items():
        successors[pred].append((succ, default))
    old_communes = [k for k in units if k.startswith("C:") and k.endswith("@old")]
    unmapped = [k for k in old_communes if not successors[k]]
    if unmapped:
        raise SystemExit(f"{len(unmapped)} old communes without a successor: {unmapped[:10]}")
    no_default = [k for k in old_communes if sum(d for _, d in successors[k]) != 1]
    if no_default:
        raise SystemExit(f"{len(no_default)} old communes without one default: {no_default[:10]}")
    new_keys_reached = {succ for (_, succ) in links}
    orphans = [
        k for k in units if k.endswith("@new") and k.startswith("C:") and k not in new_keys_reached
    ]
    if len(island_districts) != len(island_links):
        raise SystemExit(f"island districts {island_districts} linked only as {island_links}")

    unit_rows = [u.row() for u in sorted(units.values())]
    succession_rows = [
        [pred, succ, "reform", EFFECTIVE, "1" if default else "0", ""]
        for (pred, succ), default in sorted(links.items())
    ]
    outputs = {
        "units.csv": csv_text(UNIT_FIELDS, unit_rows),
        "successions.csv": csv_text(SUCCESSION_FIELDS, succession_rows),
    }

    def count(prefix: str, period: str) -> int:
        return sum(1 for k in units if k.startswith(prefix) and k.endswith(period))

    counts = {
        "provinces_old": count("P:", "@old"),
        "districts_old": count("D:", "@old"),
        "communes_old": count("C:", "@old"),
        "provinces_new": count("P:", "@new"),
        "communes_new": count("C:", "@new"),
        "units": len(units),
        "successions": len(links),
        "successions_province": sum(1 for p, _ in links if p.startswith("P:")),
        "successions_commune": sum(1 for p, _ in links if p.startswith("C:")),
        "successions_island_district": len(island_links),
        "communes_old_divided": divided,
        "communes_new_without_predecessor": len(orphans),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    output_hashes = {
        name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in outputs.items()
    }
    inputs = {
        "vietnamadminunits/data/dataset.db": sha256(db_path),
        "vietnamadminunits/data/converter_2025.json": sha256(converter_path),
    }
    provenance_path = args.out / "PROVENANCE.json"
    generated = dt.date.today().isoformat()
    if provenance_path.exists():
        # Same inputs and outputs: keep the old date so a regeneration diffs to nothing.
        old = json.loads(provenance_path.read_text(encoding="utf-8"))
        if old.get("inputs_sha256") == inputs and old.get("outputs_sha256") == output_hashes:
            generated = old.get("generated", generated)
    provenance = {
        "package": PACKAGE,
        "version": VERSION,
        "licence": "MIT",
        "source_url": f"https://pypi.org/project/{PACKAGE}/{VERSION}/",
        "homepage": "https://github.com/tranngocminhhieu/vietnamadminunits",
        "generated": generated,
        "generator": "scripts/generate_units.py",
        "inputs_sha256": inputs,
        "outputs_sha256": output_hashes,
        "counts": counts,
        "periods": {"old": {"valid_to": OLD_END}, "new": {"valid_from": NEW_START}},
    }
    for name, text in outputs.items():
        (args.out / name).write_text(text, encoding="utf-8", newline="")
    provenance_path.write_text(
        json.dumps(provenance, ensure_ascii=False, indent=2, sort_keys=False) + "\n",
        encoding="utf-8",
    )

    print(f"{PACKAGE} {VERSION} -> {args.out}")
    for name, value in counts.items():
        print(f"  {name:36} {value:>6}")
    print("  island districts -> đặc khu: " + ", ".join(f"{d} -> {s}" for d, s in island_links))
    print("  every pre-reform commune maps to >= 1 current commune (exactly 1 default): ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
