"""Executes one notebook headlessly with the tslab kernel and reports the first failing cell in full.

Usage: /usr/bin/python3 test/notebooks/run_notebook.py NOTEBOOK.ipynb [--timeout SECONDS] [--output OUT.ipynb]

Run with a python that has nbclient and nbformat (Debian's /usr/bin/python3 with jupyter-nbconvert). The kernel is
found by Jupyter's usual search (set JUPYTER_PATH to use a private registry, as the tests do); its working folder is
the notebook's folder, as in Jupyter and `jupyter nbconvert --execute`.

nbconvert prints nothing useful when a tslab cell fails (tslab writes the compile error or the stack to stderr and
replies with an empty error), so on a failing cell (the kernel's error reply, or an `error` output) this script prints
the notebook, the cell id, its source and its stderr and error outputs, and exits 1.
Exit 0: every cell ran. Exit 2: usage or setup problem (no nbclient, no notebook, no kernel).
"""

import argparse
import os
import sys
import time

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f'run_notebook: {e}; use a python with nbclient and nbformat (Debian: /usr/bin/python3 with '
          'jupyter-nbconvert)', file=sys.stderr)
    sys.exit(2)


def outputs_text(cell, kinds):
    parts = []
    for out in cell.get('outputs', []):
        if out.get('output_type') == 'stream' and out.get('name') in kinds:
            parts.append(f'[{out["name"]}]\n{out.get("text", "")}')
        elif out.get('output_type') == 'error' and 'error' in kinds:
            tb = '\n'.join(out.get('traceback') or [])
            parts.append(f'[error] {out.get("ename")}: {out.get("evalue")}\n{tb}')
    return '\n'.join(parts)


def failed(cell):
    return any(o.get('output_type') == 'error' for o in cell.get('outputs', []))


def report(path, index, cell, why):
    print(f'NOTEBOOK FAILED: {path}', file=sys.stderr)
    print(f'cell #{index} id={cell.get("id")!r}: {why}', file=sys.stderr)
    print('--- source ---', file=sys.stderr)
    print(cell.get('source', ''), file=sys.stderr)
    print('--- error / stderr outputs ---', file=sys.stderr)
    print(outputs_text(cell, ('stderr', 'error')) or '(none)', file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('notebook')
    ap.add_argument('--timeout', type=int, default=120, help='seconds per cell')
    ap.add_argument('--kernel', default='tslab')
    ap.add_argument('--output', help='write the executed notebook here')
    a = ap.parse_args()

    path = os.path.abspath(a.notebook)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as e:
        print(f'run_notebook: cannot read {path}: {e}', file=sys.stderr)
        return 2
    client = NotebookClient(nb, timeout=a.timeout, kernel_name=a.kernel, allow_errors=False,
                            resources={'metadata': {'path': os.path.dirname(path)}})
    t0 = time.monotonic()
    status = 0
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        # nbclient stops at the failing cell: it is the last one with an execution count or outputs.
        index = max((i for i, c in enumerate(nb.cells)
                     if c.cell_type == 'code' and (c.get('outputs') or c.get('execution_count'))), default=0)
        report(path, index, nb.cells[index], f'{type(e).__name__}: {str(e).strip()[:2000]}')
        status = 1
    except Exception as e:
        print(f'run_notebook: {path}: cannot execute: {type(e).__name__}: {e}', file=sys.stderr)
        return 2
    if status == 0:
        # The kernel reported success, but a cell may still have written an error (tslab's compile errors).
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == 'code' and failed(cell):
                report(path, i, cell, 'the cell has an error output')
                status = 1
                break
    seconds = time.monotonic() - t0
    if a.output:
        nbformat.write(nb, a.output)
    print(f'{os.path.basename(path)}: {"ok" if status == 0 else "FAILED"} in {seconds:.1f} s')
    return status


if __name__ == '__main__':
    sys.exit(main())
