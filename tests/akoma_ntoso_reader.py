"""The export read back (`schemas.akoma_ntoso`): the steps and text versions an exported document says, to compare
with the history it was made from."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from schemas.akoma_ntoso import AKN, Step, Version


def _q(tag: str) -> str:
    return f"{{{AKN}}}{tag}"


def parse_steps(xml: str) -> tuple[list[Step], list[Version]]:
    """Read the steps and text versions back from exported XML."""
    root = ET.fromstring(xml)
    steps = [
        Step(seq=int(s.get("eId").removeprefix("step_")), date=s.get("date"), agent=s.get("by").lstrip("#"),
             role=s.get("as").lstrip("#"), outcome=s.get("outcome").lstrip("#"), stage=s.get("refersTo").lstrip("#"))
        for s in root.iter(_q("step"))
    ]
    hashes = {r.get("eId"): r.get("href").removeprefix("/sha256/") for r in root.iter(_q("TLCReference"))}
    versions = [
        Version(seq=int(e.get("eId").removeprefix("evt_")), date=e.get("date"), sha256=hashes[e.get("source").lstrip("#")])
        for e in root.iter(_q("eventRef"))
    ]
    return steps, versions
