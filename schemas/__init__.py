"""The pandera contracts of the frames the flows validate (news, lists, quarantine)."""

import sys

# pandera looks for Dask's DataFrame type whenever a model is built, importing dask.dataframe (a
# quarter of the CPU of a run over a few documents: x1.32 measured) though no frame validated here
# is a Dask frame. Unless Dask's dataframe is already loaded, pandera's Dask typing module is loaded
# while dask.dataframe reads as absent, so pandera skips it; dask.dataframe imports as usual after.
if "dask.dataframe" not in sys.modules:
    sys.modules["dask.dataframe"] = None  # type: ignore[assignment]
    try:
        import pandera.typing.dask  # noqa: F401
    finally:
        del sys.modules["dask.dataframe"]
