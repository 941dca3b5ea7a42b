"""Reads the first sheet of an XLSX (python-calamine) and writes its cells, pickled, to standard output.

Run as a script in a child process by lists/limits.py:read_xlsx_sheet: it sets an address-space limit
on itself first, and imports nothing but python-calamine and the standard library. calamine allocates
what a file declares and aborts the process when that fails; here that ends only this child.
Usage: python -I xlsx_reader.py PATH MEMORY_BYTES MAX_CELLS
"""

import pickle
import resource
import sys


def main(path: str, memory: int, max_cells: int) -> None:
    if hasattr(resource, "RLIMIT_AS"):
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    import python_calamine  # after the limit, so that everything it allocates counts

    try:
        sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        if sheet.height * sheet.width > max_cells:
            raise ValueError(f"the sheet spans {sheet.height:,} rows x {sheet.width:,} columns, over the cap of "
                             f"{max_cells:,} cells")
        result = ("cells", sheet.to_python(skip_empty_area=False))
    except (python_calamine.CalamineError, ValueError) as exc:
        result = ("error", f"{type(exc).__name__}: {exc}")
    except MemoryError:
        result = ("error", f"needs more than {memory // 2**20} MiB to read")
    pickle.dump(result, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
