"""nomenklatura's logic-v2 matcher, the peer of bench/bench_screen.py: run in its own environment.

nomenklatura 4.17.4 requires duckdb < 2, which the project pins at 2.0.1, so it cannot be installed beside
sanctrack: `make peer-venv` makes `.venv-peer` with the versions pinned in bench/requirements-peer.txt.
bench_screen.py writes the queries and each query's candidate designations (the same for both systems)
as JSON, runs this script with the peer's Python and reads its scores back.

    .venv-peer/bin/python bench/peer_logic_v2.py IN.json OUT.json

IN: {"designations": {id: {"schema": ..., "names": [...]}}, "queries": [{"name", "schema", "candidates": [id]}]}
OUT: {"scores": [[score per candidate] per query], "cpu_seconds": ..., "version": ...}
"""

from __future__ import annotations

import json
import sys
import time
from importlib.metadata import version


def main() -> int:
    from followthemoney import model
    from nomenklatura.matching import get_algorithm

    source, target = sys.argv[1:3]
    data = json.loads(open(source, encoding="utf-8").read())
    algorithm = get_algorithm("logic-v2")
    config = algorithm.default_config()
    entities = {}
    for key, item in data["designations"].items():
        entity = model.make_entity(item["schema"])
        entity.id = f"d-{key}"
        entity.add("name", item["names"])
        entities[key] = entity
    if entities:  # the first comparison loads name data: not part of the per-query cost
        first = next(iter(entities.values()))
        algorithm.compare(first, first, config)
    started = time.process_time()
    scores = []
    for i, query in enumerate(data["queries"]):
        entity = model.make_entity(query["schema"])
        entity.id = f"q-{i}"
        entity.add("name", query["name"])
        scores.append([algorithm.compare(entity, entities[c], config).score for c in query["candidates"]])
    cpu = time.process_time() - started
    with open(target, "w", encoding="utf-8") as fh:
        json.dump({"scores": scores, "cpu_seconds": cpu, "version": version("nomenklatura")}, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
